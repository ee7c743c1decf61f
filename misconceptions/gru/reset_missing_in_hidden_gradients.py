"""The hidden side's n block without r: dah_n = dan instead of r * dan, so dh_prev, dWh and dbh miss the reset."""


def gru_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, r, z, n, ah_n = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("gru_step_backward", "dh_next", dh_next, z.shape, "(N, H)")
    dan = dh_next * (1.0 - z) * (1.0 - n**2)
    daz = dh_next * (h_prev - n) * z * (1.0 - z)
    dar = dan * ah_n * r * (1.0 - r)
    da = np.concatenate([dar, daz, dan], axis=1)
    dx = da @ Wx.T
    dh_prev = dh_next * z + da @ Wh.T
    return dx, dh_prev, x.T @ da, h_prev.T @ da, da.sum(axis=0), da.sum(axis=0)
