"""bh_n added outside the reset, n = tanh(ax_n + r * (h_prev @ Wh_n) + bh_n), as if the two biases could be merged."""


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    x, h_prev, Wx, Wh, bx, bh = _as_float64(x, h_prev, Wx, Wh, bx, bh)
    H = _check_step_args("gru_step_forward", x, h_prev, Wx, Wh, bx, bh)
    a = x @ Wx + bx + bh
    hW = h_prev @ Wh
    r = sigmoid(a[:, :H] + hW[:, :H])
    z = sigmoid(a[:, H : 2 * H] + hW[:, H : 2 * H])
    hW_n = hW[:, 2 * H :]
    n = np.tanh(a[:, 2 * H :] + r * hW_n)
    h_next = (1.0 - z) * n + z * h_prev
    return h_next, (x, h_prev, Wx, Wh, r, z, n, hW_n)


def gru_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, r, z, n, hW_n = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("gru_step_backward", "dh_next", dh_next, z.shape, "(N, H)")
    dan = dh_next * (1.0 - z) * (1.0 - n**2)
    daz = dh_next * (h_prev - n) * z * (1.0 - z)
    dar = dan * hW_n * r * (1.0 - r)
    da = np.concatenate([dar, daz, dan], axis=1)
    dhW = np.concatenate([dar, daz, r * dan], axis=1)
    dx = da @ Wx.T
    dh_prev = dh_next * z + dhW @ Wh.T
    return dx, dh_prev, x.T @ da, h_prev.T @ dhW, da.sum(axis=0), da.sum(axis=0)
