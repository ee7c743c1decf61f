"""rnn_backward walks back over t = T - 1 ... 1 and never runs the backward of step 0.

An off-by-one in ``range(T - 1, 0, -1)``: the gradient that reaches the first hidden state is
returned as dh0, the first step's dx stays zero and its share of the weight gradients is lost.
With a single time step the loop does not run at all, so every gradient is zero; dh0 is then
zero as when dh0 is never set, but so is everything else.
"""


def rnn_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, _, _, h_0 = cache[0]
    (N, D), H, T = x_0.shape, h_0.shape[1], len(cache)
    _check_upstream("rnn_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in range(T - 1, 0, -1):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
