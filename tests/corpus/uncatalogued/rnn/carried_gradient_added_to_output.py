"""BPTT runs each step backward on dh[:, t] alone and adds the carried gradient to the step's dh_prev afterwards, so it never goes through tanh.

Same mistake as: rnn.no_gradient_from_next_step

Written after the first measurement, in place of forward_updates_h0_in_place (now catalogued as
rnn.state_written_into_h0). The carried gradient skips the tanh and Wh of every step it passes.
"""


def rnn_backward(dh, cache):
    (dh,) = _as_float64(dh)
    x_0, _, _, _, h_0 = cache[0]
    (N, D), H, T = x_0.shape, h_0.shape[1], len(cache)
    _check_upstream("rnn_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t], cache[t])
        carried = dh_prev + carried
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
