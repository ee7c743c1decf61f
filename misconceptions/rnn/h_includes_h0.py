"""rnn_forward stores the hidden state before each step, so h starts with h0 and is shifted by one step.

Classic bug (h_includes_h0) in an otherwise correct module. A vanilla (Elman) recurrent network with a tanh nonlinearity, and backpropagation through time.

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


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list]:
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.empty((N, T, Wh.shape[0]))
    cache = []
    h_prev = h0
    for t in range(T):
        h[:, t] = h_prev
        h_prev, step_cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        cache.append(step_cache)
    return h, cache
