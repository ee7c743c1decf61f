"""The cell gradient takes dh_next * o without the derivative of tanh(c_next), 1 - tanh(c_next)**2.

Classic bug (missing_tanh_derivative_of_c) in an otherwise correct module. A long short-term memory (LSTM) layer, and backpropagation through time.

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


def lstm_step_backward(
    dh_next: np.ndarray, dc_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c = cache
    dh_next, dc_next = _as_float64(dh_next, dc_next)
    _check_upstream("lstm_step_backward", "dh_next", dh_next, i.shape, "(N, H)")
    _check_upstream("lstm_step_backward", "dc_next", dc_next, i.shape, "(N, H)")
    dc = dc_next + dh_next * o
    da_i = dc * g * i * (1.0 - i)
    da_f = dc * c_prev * f * (1.0 - f)
    da_g = dc * i * (1.0 - g**2)
    da_o = dh_next * tanh_c * o * (1.0 - o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dc_prev = dc * f
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db
