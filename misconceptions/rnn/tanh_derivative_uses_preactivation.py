"""The step caches the pre-activation a and uses 1 - a**2 as the derivative of tanh instead of 1 - tanh(a)**2.

Classic bug (tanh_derivative_uses_preactivation) in an otherwise correct module. A vanilla (Elman) recurrent network with a tanh nonlinearity, and backpropagation through time.

One time step maps the input ``x`` and the previous hidden state ``h_prev`` to the next one::

    h_next = tanh(x @ Wx + h_prev @ Wh + b)

A sequence ``x`` of shape ``(N, T, D)`` (batch first) is processed by applying the same step,
with the same weights, at t = 0, 1, ..., T - 1, starting from ``h0``. The backward pass walks
the time steps in reverse: the gradient reaching ``h_t`` is the upstream gradient ``dh[:, t]``
plus what flows back from step t + 1, and the weight gradients add up over all time steps.

This is ``torch.nn.RNN(nonlinearity="tanh", batch_first=True)`` with one layer, with the weights
stored transposed (``Wx = weight_ih_l0.T``, ``Wh = weight_hh_l0.T``) and a single bias
``b = bias_ih_l0 + bias_hh_l0``.
"""


def rnn_step_forward(
    x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, tuple]:
    x, h_prev, Wx, Wh, b = _as_float64(x, h_prev, Wx, Wh, b)
    _check_step_args(x, h_prev, Wx, Wh, b)
    a = x @ Wx + h_prev @ Wh + b
    h_next = np.tanh(a)
    cache = (x, h_prev, Wx, Wh, a)
    return h_next, cache


def rnn_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, h_prev, Wx, Wh, a = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("rnn_step_backward", "dh_next", dh_next, a.shape, "(N, H)")
    da = dh_next * (1.0 - a**2)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
