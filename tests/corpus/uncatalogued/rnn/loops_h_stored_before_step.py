"""A forward written with an explicit state variable stores the state into h[:, t] before updating it, so h starts with h0.

Same mistake as: rnn.h_includes_h0
"""


def rnn_forward(x, h0, Wx, Wh, b):
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.zeros((N, T, Wh.shape[0]))
    state = h0.copy()
    cache = []
    for t in range(T):
        h[:, t, :] = state
        state, step_cache = rnn_step_forward(x[:, t, :], state, Wx, Wh, b)
        cache.append(step_cache)
    return h, cache
