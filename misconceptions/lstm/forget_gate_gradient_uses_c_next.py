"""The step caches c_next where the backward expects c_prev, so the forget gate's gradient is built from the new cell state.

c_next = f * c_prev + i * g, so d c_next / d f = c_prev; with c_next cached, da_f = dc * c_next * f * (1 - f).
The forward values are right.
"""


def lstm_step_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple]:
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    _check_state("lstm_step_forward", "c_prev", c_prev, x.shape[0], H)
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    cache = (x, h_prev, c_next, Wx, Wh, i, f, g, o, tanh_c)
    return h_next, c_next, cache
