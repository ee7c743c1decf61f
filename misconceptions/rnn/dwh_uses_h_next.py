"""The step's dWh multiplies da by the new hidden state h_next instead of the previous one h_prev.

Classic bug (dwh_uses_h_next) in an otherwise correct module. A vanilla (Elman) recurrent network with a tanh nonlinearity, and backpropagation through time.

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


def rnn_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, h_prev, Wx, Wh, h_next = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("rnn_step_backward", "dh_next", dh_next, h_next.shape, "(N, H)")
    da = dh_next * (1.0 - h_next**2)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_next.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
