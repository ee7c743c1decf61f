"""rnn_forward keeps the state in h0's own memory (h_prev = h0; h_prev[...] = ...), overwriting h0 and every cached h_prev.

Each step's cache holds a reference to the same array, so the backward sees the last state everywhere,
and the caller's h0 comes back changed.
"""


def rnn_forward(x, h0, Wx, Wh, b):
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.empty((N, T, Wh.shape[0]))
    cache = []
    h_prev = h0
    for t in range(T):
        h_next, step_cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h_prev[...] = h_next
        h[:, t] = h_prev
        cache.append(step_cache)
    return h, cache
