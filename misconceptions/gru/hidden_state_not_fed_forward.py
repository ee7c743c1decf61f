"""Every time step computed from h0 instead of the previous step's hidden state."""


def gru_forward(x, h0, Wx, Wh, bx, bh):
    x, h0, Wx, Wh, bx, bh = _as_float64(x, h0, Wx, Wh, bx, bh)
    _check_sequence_args(x, h0, Wx, Wh, bx, bh)
    N, T, _ = x.shape
    h = np.empty((N, T, Wh.shape[0]))
    cache = []
    for t in range(T):
        h[:, t], step_cache = gru_step_forward(x[:, t], h0, Wx, Wh, bx, bh)
        cache.append(step_cache)
    return h, cache


def gru_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, Wx, Wh, _, z_0, _, _ = cache[0]
    (N, D), H, T = x_0.shape, z_0.shape[1], len(cache)
    _check_upstream("gru_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, dbx, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(3 * H), np.zeros(3 * H)
    dh0 = np.zeros((N, H))
    for t in range(T):
        dx[:, t], dh0_t, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t], cache[t])
        dh0 += dh0_t
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dh0, dWx, dWh, dbx, dbh
