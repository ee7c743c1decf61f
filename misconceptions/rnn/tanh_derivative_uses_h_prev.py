"""The step backward takes the tanh derivative as 1 - h_prev**2, from the hidden state that went in instead of the one that came out.

The cache holds both states; the derivative of h_next = tanh(a) is 1 - h_next**2.
"""


def rnn_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, h_prev, Wx, Wh, h_next = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("rnn_step_backward", "dh_next", dh_next, h_next.shape, "(N, H)")
    da = dh_next * (1.0 - h_prev**2)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
