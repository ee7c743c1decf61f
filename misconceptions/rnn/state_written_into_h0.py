"""rnn_forward keeps the state in h0's own memory (h_prev = h0, then h_prev[...] = h_next), overwriting h0 and every cached h_prev.

Every step's cache refers to that one array, so the backward builds dWh from the last state instead
of each step's h_prev, and the caller's h0 comes back changed. h itself is right.
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
        h_next, step_cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h_prev[...] = h_next
        h[:, t] = h_prev
        cache.append(step_cache)
    return h, cache
