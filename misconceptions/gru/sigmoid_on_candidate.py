"""sigmoid on the candidate n instead of tanh (all three blocks through the same nonlinearity)."""


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    x, h_prev, Wx, Wh, bx, bh = _as_float64(x, h_prev, Wx, Wh, bx, bh)
    H = _check_step_args("gru_step_forward", x, h_prev, Wx, Wh, bx, bh)
    ax = x @ Wx + bx
    ah = h_prev @ Wh + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
    ah_n = ah[:, 2 * H :]
    n = sigmoid(ax[:, 2 * H :] + r * ah_n)
    h_next = (1.0 - z) * n + z * h_prev
    return h_next, (x, h_prev, Wx, Wh, r, z, n, ah_n)


def gru_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, r, z, n, ah_n = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("gru_step_backward", "dh_next", dh_next, z.shape, "(N, H)")
    dan = dh_next * (1.0 - z) * n * (1.0 - n)
    daz = dh_next * (h_prev - n) * z * (1.0 - z)
    dar = dan * ah_n * r * (1.0 - r)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, r * dan], axis=1)
    dx = dax @ Wx.T
    dh_prev = dh_next * z + dah @ Wh.T
    return dx, dh_prev, x.T @ dax, h_prev.T @ dah, dax.sum(axis=0), dah.sum(axis=0)
