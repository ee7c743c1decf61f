"""lstm_backward drops the dc_prev returned by each step, so no gradient flows back along the cell state.

Classic bug (cell_state_not_carried_in_backward) in an otherwise correct module. A long short-term memory (LSTM) layer, and backpropagation through time.

One time step computes four gates from the input ``x`` and the previous hidden state ``h_prev``.
The weights stack the gates by columns in PyTorch's order **i, f, g, o**: with H hidden units,
``Wx`` is ``(D, 4H)``, ``Wh`` is ``(H, 4H)``, ``b`` is ``(4H,)``, and::

    a = x @ Wx + h_prev @ Wh + b                 (N, 4H)
    a_i, a_f, a_g, a_o = a[:, :H], a[:, H:2H], a[:, 2H:3H], a[:, 3H:]
    i = sigmoid(a_i)        input gate
    f = sigmoid(a_f)        forget gate
    g = tanh(a_g)           candidate cell values
    o = sigmoid(a_o)        output gate
    c_next = f * c_prev + i * g
    h_next = o * tanh(c_next)

A sequence ``x`` of shape ``(N, T, D)`` (batch first) runs the same step at t = 0, ..., T - 1,
from the hidden state ``h0`` and a zero cell state. This is ``torch.nn.LSTM(batch_first=True)``
with one layer, with the weights stored transposed (``Wx = weight_ih_l0.T``,
``Wh = weight_hh_l0.T``) and a single bias ``b = bias_ih_l0 + bias_hh_l0``.
"""


def lstm_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    (dh,) = _as_float64(dh)
    x_0, _, _, Wx, Wh, i_0, *_ = cache[0]
    (N, D), H, T = x_0.shape, i_0.shape[1], len(cache)
    _check_upstream("lstm_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, _, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_prev, dc_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
