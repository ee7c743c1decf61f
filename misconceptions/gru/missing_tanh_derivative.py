"""The gradient on the candidate's pre-activation without tanh's derivative: dan = dh_next * (1 - z)."""


def gru_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, r, z, n, ah_n = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("gru_step_backward", "dh_next", dh_next, z.shape, "(N, H)")
    dan = dh_next * (1.0 - z)
    daz = dh_next * (h_prev - n) * z * (1.0 - z)
    dar = dan * ah_n * r * (1.0 - r)
    dax = np.concatenate([dar, daz, dan], axis=1)
    dah = np.concatenate([dar, daz, r * dan], axis=1)
    dx = dax @ Wx.T
    dh_prev = dh_next * z + dah @ Wh.T
    return dx, dh_prev, x.T @ dax, h_prev.T @ dah, dax.sum(axis=0), dah.sum(axis=0)
