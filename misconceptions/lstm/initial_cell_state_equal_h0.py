"""lstm_forward starts the cell state from h0 instead of from zeros.

Classic bug (initial_cell_state_equal_h0) in an otherwise correct module. A long short-term memory (LSTM) layer, and backpropagation through time.

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


def lstm_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list]:
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    H = Wh.shape[0]
    h = np.empty((N, T, H))
    cache = []
    h_prev, c_prev = h0, h0
    for t in range(T):
        h_prev, c_prev, step_cache = lstm_step_forward(x[:, t], h_prev, c_prev, Wx, Wh, b)
        h[:, t] = h_prev
        cache.append(step_cache)
    return h, cache
