"""lstm_step_forward validates x, h_prev and the weights but not c_prev, so a c_prev that broadcasts is accepted.

Classic bug (c_prev_shape_not_checked) in an otherwise correct module. A long short-term memory (LSTM) layer, and backpropagation through time.

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


def lstm_step_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple]:
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    cache = (x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c)
    return h_next, c_next, cache
