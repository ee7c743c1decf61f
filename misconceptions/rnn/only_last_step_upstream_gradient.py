"""BPTT starts from the upstream gradient of the last hidden state only, as if the loss read h[:, T-1] alone.

A many-to-one habit: dh[:, t] for t < T - 1 is ignored, and only the carried gradient reaches the
earlier steps. Right for a sequence of one step.
"""


def rnn_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    (dh,) = _as_float64(dh)
    x_0, _, _, _, h_0 = cache[0]
    (N, D), H, T = x_0.shape, h_0.shape[1], len(cache)
    _check_upstream("rnn_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh_prev = dh[:, T - 1]
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
