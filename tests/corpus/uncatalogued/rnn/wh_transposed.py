"""Multiplies the hidden state by Wh.T (PyTorch's weight_hh layout) instead of Wh, in the forward and, consistently, in the backward.

The contract stores Wh already transposed (h_prev @ Wh); with a non-symmetric Wh every step is wrong.
"""


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    x, h_prev, Wx, Wh, b = _as_float64(x, h_prev, Wx, Wh, b)
    _check_step_args(x, h_prev, Wx, Wh, b)
    h_next = np.tanh(x @ Wx + h_prev @ Wh.T + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)


def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("rnn_step_backward", "dh_next", dh_next, h_next.shape, "(N, H)")
    da = dh_next * (1.0 - h_next**2)
    return da @ Wx.T, da @ Wh, x.T @ da, da.T @ h_prev, da.sum(axis=0)
