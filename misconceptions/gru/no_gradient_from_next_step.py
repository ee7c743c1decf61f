"""BPTT feeds each step only dh[:, t], forgetting the gradient dh_prev carried back from step t + 1."""


def gru_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, Wx, Wh, _, z_0, _, _ = cache[0]
    (N, D), H, T = x_0.shape, z_0.shape[1], len(cache)
    _check_upstream("gru_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, dbx, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(3 * H), np.zeros(3 * H)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t], cache[t])
        dWx += dWx_t
        dWh += dWh_t
        dbx += dbx_t
        dbh += dbh_t
    return dx, dh_prev, dWx, dWh, dbx, dbh
