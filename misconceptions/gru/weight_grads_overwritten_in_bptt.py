"""BPTT assigns each step's dWx, dWh, dbx and dbh instead of adding them up, so only step 0's share survives."""


def gru_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, Wx, Wh, _, z_0, _, _ = cache[0]
    (N, D), H, T = x_0.shape, z_0.shape[1], len(cache)
    _check_upstream("gru_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx, dWh, dbx, dbh = gru_step_backward(dh[:, t] + dh_prev, cache[t])
    return dx, dh_prev, dWx, dWh, dbx, dbh
