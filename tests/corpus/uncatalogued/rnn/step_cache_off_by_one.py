"""BPTT backpropagates step t through the cache of step t - 1 (cache[t - 1]; at t = 0, cache[-1] is the last step's).

An index slip in the backward loop; right only for a sequence of one step.
"""


def rnn_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, _, _, h_0 = cache[0]
    (N, D), H, T = x_0.shape, h_0.shape[1], len(cache)
    _check_upstream("rnn_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t - 1])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
