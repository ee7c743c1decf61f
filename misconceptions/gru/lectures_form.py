"""The lectures' GRU (Cho et al.): h = (1 - z) * h_prev + z * n, and the reset applied to h_prev before the product.

Both differences from PyTorch at once, as a student who follows the lecture notes writes them:
z lets in the candidate, and n = tanh(ax_n + (r * h_prev) @ Wh_n + bh_n).
"""


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    x, h_prev, Wx, Wh, bx, bh = _as_float64(x, h_prev, Wx, Wh, bx, bh)
    H = _check_step_args("gru_step_forward", x, h_prev, Wx, Wh, bx, bh)
    ax = x @ Wx + bx
    ah = h_prev @ Wh + bh
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
    reset = r * h_prev
    n = np.tanh(ax[:, 2 * H :] + reset @ Wh[:, 2 * H :] + bh[2 * H :])
    h_next = (1.0 - z) * h_prev + z * n
    return h_next, (x, h_prev, Wx, Wh, r, z, n, reset)


def gru_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, r, z, n, reset = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("gru_step_backward", "dh_next", dh_next, z.shape, "(N, H)")
    H = z.shape[1]
    dan = dh_next * z * (1.0 - n**2)
    daz = dh_next * (n - h_prev) * z * (1.0 - z)
    dreset = dan @ Wh[:, 2 * H :].T
    dar = dreset * h_prev * r * (1.0 - r)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah_rz = np.concatenate([dar, daz], axis=1)
    dx = dax @ Wx.T
    dh_prev = dh_next * (1.0 - z) + dah_rz @ Wh[:, : 2 * H].T + dreset * r
    dWx = x.T @ dax
    dWh = np.concatenate([h_prev.T @ dah_rz, reset.T @ dan], axis=1)
    return dx, dh_prev, dWx, dWh, dax.sum(axis=0), dax.sum(axis=0)
