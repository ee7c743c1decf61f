"""The step forward adds the candidate unscaled, c_next = f * c_prev + g, forgetting the input gate; the backward follows the notes.

The backward is the correct one (with i), so it disagrees with this forward too.
"""


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    _check_state("lstm_step_forward", "c_prev", c_prev, x.shape[0], H)
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    return h_next, c_next, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c)
