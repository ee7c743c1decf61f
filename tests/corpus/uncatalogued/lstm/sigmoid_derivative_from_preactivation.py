"""The step caches the gates' pre-activations and uses a * (1 - a) as the derivative of sigmoid, instead of sigmoid(a) * (1 - sigmoid(a)).

The forward is right; every gate's gradient except g's goes wrong.
"""


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    _check_state("lstm_step_forward", "c_prev", c_prev, x.shape[0], H)
    a = x @ Wx + h_prev @ Wh + b
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    return h_next, c_next, (x, h_prev, c_prev, Wx, Wh, a, i, f, g, o, tanh_c)


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, a, i, f, g, o, tanh_c = cache
    H = i.shape[1]
    dh_next, dc_next = _as_float64(dh_next, dc_next)
    _check_upstream("lstm_step_backward", "dh_next", dh_next, i.shape, "(N, H)")
    _check_upstream("lstm_step_backward", "dc_next", dc_next, i.shape, "(N, H)")
    a_i, a_f, a_o = a[:, :H], a[:, H : 2 * H], a[:, 3 * H :]
    dc = dc_next + dh_next * o * (1.0 - tanh_c**2)
    da_i = dc * g * a_i * (1.0 - a_i)
    da_f = dc * c_prev * a_f * (1.0 - a_f)
    da_g = dc * i * (1.0 - g**2)
    da_o = dh_next * tanh_c * a_o * (1.0 - a_o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def lstm_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, _, Wx, Wh, _, i_0, *_ = cache[0]
    (N, D), H, T = x_0.shape, i_0.shape[1], len(cache)
    _check_upstream("lstm_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_prev, dc_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
