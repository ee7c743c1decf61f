"""The forward splits the gates as i, f, g, o, but the backward stacks their gradients as i, f, o, g (the order of an older tutorial).

The forward is right; dx, dh_prev, dWx, dWh and db get the g and o blocks swapped.
"""


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c = cache
    dh_next, dc_next = _as_float64(dh_next, dc_next)
    _check_upstream("lstm_step_backward", "dh_next", dh_next, i.shape, "(N, H)")
    _check_upstream("lstm_step_backward", "dc_next", dc_next, i.shape, "(N, H)")
    dc = dc_next + dh_next * o * (1.0 - tanh_c**2)
    da_i = dc * g * i * (1.0 - i)
    da_f = dc * c_prev * f * (1.0 - f)
    da_g = dc * i * (1.0 - g**2)
    da_o = dh_next * tanh_c * o * (1.0 - o)
    da = np.concatenate([da_i, da_f, da_o, da_g], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
