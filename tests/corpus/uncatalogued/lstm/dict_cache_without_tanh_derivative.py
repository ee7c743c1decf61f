"""A step backward written from a dict cache sends dh_next * o to the cell without the derivative of tanh.

Same mistake as: lstm.missing_tanh_derivative_of_c
"""


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    _check_state("lstm_step_forward", "c_prev", c_prev, x.shape[0], H)
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    cache = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "c_next": c_next, "Wx": Wx, "Wh": Wh,
             "gates": (i, f, g, o)}
    return h_next, c_next, cache


def lstm_step_backward(dh_next, dc_next, cache):
    i, f, g, o = cache["gates"]
    dh_next, dc_next = _as_float64(dh_next, dc_next)
    _check_upstream("lstm_step_backward", "dh_next", dh_next, i.shape, "(N, H)")
    _check_upstream("lstm_step_backward", "dc_next", dc_next, i.shape, "(N, H)")
    d_tanh_c = dh_next * o
    dc = dc_next + d_tanh_c  # the tanh between c_next and h_next is forgotten
    d_i, d_f, d_g = dc * g, dc * cache["c_prev"], dc * i
    d_o = dh_next * np.tanh(cache["c_next"])
    da = np.hstack([d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g * g), d_o * o * (1 - o)])
    return (da @ cache["Wx"].T, da @ cache["Wh"].T, dc * f, cache["x"].T @ da, cache["h_prev"].T @ da,
            da.sum(axis=0))


def lstm_backward(dh, cache):
    (dh,) = _as_float64(dh)
    first = cache[0]
    (N, D), H, T = first["x"].shape, first["h_prev"].shape[1], len(cache)
    _check_upstream("lstm_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros_like(first["Wx"]), np.zeros_like(first["Wh"]), np.zeros(4 * H)
    dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_prev, dc_prev, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_prev, dWx, dWh, db
