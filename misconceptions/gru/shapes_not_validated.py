"""The step forward checks no shape, so a bias of one entry or an h_prev of one row broadcasts silently."""


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    x, h_prev, Wx, Wh, bx, bh = _as_float64(x, h_prev, Wx, Wh, bx, bh)
    H = Wh.shape[0]
    ax = x @ Wx + bx
    ah = h_prev @ Wh + bh
    r = sigmoid(ax[..., :H] + ah[..., :H])
    z = sigmoid(ax[..., H : 2 * H] + ah[..., H : 2 * H])
    ah_n = ah[..., 2 * H :]
    n = np.tanh(ax[..., 2 * H :] + r * ah_n)
    h_next = (1.0 - z) * n + z * h_prev
    return h_next, (x, h_prev, Wx, Wh, r, z, n, ah_n)
