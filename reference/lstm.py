"""A long short-term memory (LSTM) layer, and backpropagation through time.

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

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``, elementwise, without overflow.

    ``exp(-a)`` overflows for a very negative ``a``, so the negative entries use the equal form
    ``exp(a) / (1 + exp(a))``; both forms only ever exponentiate ``-|a| <= 0``.

    Parameters
    ----------
    a : ndarray, any shape

    Returns
    -------
    ndarray, shape of a
        Values in [0, 1].
    """
    a = np.asarray(a, dtype=np.float64)
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def lstm_gates(
    x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four gates of one LSTM time step, in PyTorch's order i, f, g, o::

        a = x @ Wx + h_prev @ Wh + b             (N, 4H), four blocks of H columns
        i = sigmoid(a[:, 0H:1H])                 input gate
        f = sigmoid(a[:, 1H:2H])                 forget gate
        g = tanh(a[:, 2H:3H])                    candidate cell values
        o = sigmoid(a[:, 3H:4H])                 output gate

    Parameters
    ----------
    x : ndarray, shape (N, D)
        Inputs of this time step.
    h_prev : ndarray, shape (N, H)
        Hidden state of the previous time step.
    Wx : ndarray, shape (D, 4H)
        Input-to-gates weights, gates stacked by columns.
    Wh : ndarray, shape (H, 4H)
        Hidden-to-gates weights, gates stacked by columns.
    b : ndarray, shape (4H,)
        Bias of the four gates.

    Returns
    -------
    i, f, g, o : ndarray, each of shape (N, H)
        i, f and o lie in [0, 1], g in [-1, 1]. Use the provided, overflow-free ``sigmoid``.

    Raises
    ------
    ValueError
        If an argument has the wrong number of dimensions, or the shapes disagree:
        D of x versus the rows of Wx, Wh versus (H, 4H), the columns of Wx versus 4H, b versus (4H,),
        h_prev versus (N, H).
    """
    # BEGIN SOLUTION: check the shapes, compute a, split it into four blocks of H columns and apply the nonlinearities
    x, h_prev, Wx, Wh, b = _as_float64(x, h_prev, Wx, Wh, b)
    H = _check_step_args("lstm_gates", x, h_prev, Wx, Wh, b)
    a = x @ Wx + h_prev @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H :])
    return i, f, g, o
    # END SOLUTION


def lstm_step_forward(
    x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Forward pass of one LSTM time step::

        i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)      each (N, H)
        c_next = f * c_prev + i * g                        (N, H)
        h_next = o * tanh(c_next)                          (N, H)

    Parameters
    ----------
    x : ndarray, shape (N, D)
    h_prev : ndarray, shape (N, H)
        Hidden state of the previous time step.
    c_prev : ndarray, shape (N, H)
        Cell state of the previous time step.
    Wx : ndarray, shape (D, 4H)
    Wh : ndarray, shape (H, 4H)
    b : ndarray, shape (4H,)

    Returns
    -------
    h_next : ndarray, shape (N, H)
    c_next : ndarray, shape (N, H)
    cache : tuple
        What ``lstm_step_backward`` needs: the inputs, the weights, the four gates and ``tanh(c_next)``.

    Raises
    ------
    ValueError
        As ``lstm_gates``, and if c_prev does not have shape (N, H).
    """
    # BEGIN SOLUTION: check the shapes (c_prev too), compute the gates, then the new cell state and the new hidden state
    x, h_prev, c_prev, Wx, Wh, b = _as_float64(x, h_prev, c_prev, Wx, Wh, b)
    H = _check_step_args("lstm_step_forward", x, h_prev, Wx, Wh, b)
    _check_state("lstm_step_forward", "c_prev", c_prev, x.shape[0], H)
    i, f, g, o = lstm_gates(x, h_prev, Wx, Wh, b)
    c_next = f * c_prev + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    cache = (x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c)
    return h_next, c_next, cache
    # END SOLUTION


def lstm_step_backward(
    dh_next: np.ndarray, dc_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of one LSTM time step.

    ``c_next`` reaches the loss directly (``dc_next``) and through ``h_next = o * tanh(c_next)``,
    so the total gradient on the cell state is::

        dc = dc_next + dh_next * o * (1 - tanh(c_next)**2)

    Then, from ``c_next = f * c_prev + i * g`` and ``h_next = o * tanh(c_next)``::

        di = dc * g      df = dc * c_prev      dg = dc * i      do = dh_next * tanh(c_next)
        dc_prev = dc * f

    Through the nonlinearities (``sigmoid' = s * (1 - s)``, ``tanh' = 1 - t**2``)::

        da_i = di * i * (1 - i)    da_f = df * f * (1 - f)    da_g = dg * (1 - g**2)    da_o = do * o * (1 - o)

    ``da`` (N, 4H) puts the four blocks side by side in the order i, f, g, o, and as in any affine map::

        dx = da @ Wx.T    dh_prev = da @ Wh.T    dWx = x.T @ da    dWh = h_prev.T @ da    db = sum of da over the batch

    Parameters
    ----------
    dh_next : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    dc_next : ndarray, shape (N, H)
        Gradient of the loss with respect to ``c_next`` (from the next time step).
    cache : tuple
        The cache returned by ``lstm_step_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dh_prev : ndarray, shape (N, H)
    dc_prev : ndarray, shape (N, H)
    dWx : ndarray, shape (D, 4H)
    dWh : ndarray, shape (H, 4H)
    db : ndarray, shape (4H,)

    Raises
    ------
    ValueError
        If ``dh_next`` or ``dc_next`` does not have the shape of the forward's ``h_next`` / ``c_next``.
    """
    # BEGIN SOLUTION: check dh_next, dc_next; total gradient on the cell, then gates, pre-activations, affine map
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, tanh_c = cache
    dh_next, dc_next = _as_float64(dh_next, dc_next)
    _check_upstream("lstm_step_backward", "dh_next", dh_next, i.shape, "(N, H)")
    _check_upstream("lstm_step_backward", "dc_next", dc_next, i.shape, "(N, H)")
    dc = dc_next + dh_next * o * (1.0 - tanh_c**2)
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
    # END SOLUTION


def lstm_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list]:
    """Forward pass of an LSTM over a whole sequence.

    Starting from ``h_{-1} = h0`` and a zero cell state ``c_{-1} = 0`` (as ``torch.nn.LSTM``
    given ``(h0, zeros)``), at every time step t = 0, ..., T - 1::

        h_t, c_t = lstm_step_forward(x[:, t], h_{t-1}, c_{t-1}, Wx, Wh, b)

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Input sequences, batch first, T >= 1 (PyTorch rejects empty sequences too).
    h0 : ndarray, shape (N, H)
        Initial hidden state.
    Wx : ndarray, shape (D, 4H)
    Wh : ndarray, shape (H, 4H)
    b : ndarray, shape (4H,)

    Returns
    -------
    h : ndarray, shape (N, T, H)
        Every hidden state: ``h[:, t]`` is ``h_t`` (``h0`` itself is not included).
    cache : list
        What ``lstm_backward`` needs: the cache of every time step, in time order.

    Raises
    ------
    ValueError
        If x is not 3-D or has T = 0, or the shapes disagree (see ``lstm_gates``).
    """
    # BEGIN SOLUTION: start from a zero cell state and run lstm_step_forward at every time step
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    H = Wh.shape[0]
    h = np.empty((N, T, H))
    cache = []
    h_prev, c_prev = h0, np.zeros((N, H))
    for t in range(T):
        h_prev, c_prev, step_cache = lstm_step_forward(x[:, t], h_prev, c_prev, Wx, Wh, b)
        h[:, t] = h_prev
        cache.append(step_cache)
    return h, cache
    # END SOLUTION


def lstm_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of an LSTM over a whole sequence: backpropagation through time (BPTT).

    Going from t = T - 1 down to 0, step t receives two gradients::

        dh_t = dh[:, t] + (dh_prev returned by the backward of step t + 1)
        dc_t =            (dc_prev returned by the backward of step t + 1)

    (both carried terms are zero at the last step). The weights are shared by all time steps,
    so ``dWx``, ``dWh`` and ``db`` are sums over t. After step 0, the carried hidden-state
    gradient is ``dh0``; the initial cell state is the constant zero, so its gradient is dropped.

    Parameters
    ----------
    dh : ndarray, shape (N, T, H)
        Upstream gradient of the loss with respect to every hidden state ``h``.
    cache : list
        The cache returned by ``lstm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, T, D)
    dh0 : ndarray, shape (N, H)
    dWx : ndarray, shape (D, 4H)
    dWh : ndarray, shape (H, 4H)
    db : ndarray, shape (4H,)

    Raises
    ------
    ValueError
        If ``dh`` does not have the shape of the forward's ``h``.
    """
    # BEGIN SOLUTION: walk back in time with lstm_step_backward, carrying dh_prev and dc_prev, summing dWx, dWh, db
    (dh,) = _as_float64(dh)
    x_0, _, _, Wx, Wh, i_0, *_ = cache[0]
    (N, D), H, T = x_0.shape, i_0.shape[1], len(cache)
    _check_upstream("lstm_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_prev, dc_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
    # END SOLUTION


# BEGIN SOLUTION
def _as_float64(*arrays: object) -> tuple[np.ndarray, ...]:
    """The arguments as float64 ndarrays (no copy when they already are)."""
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def _check_ndim(function: str, name: str, array: np.ndarray, layout: str) -> None:
    """Raise ``ValueError`` unless ``array`` has as many axes as ``layout``, e.g. ``"(N, D)"``."""
    ndim = len([axis for axis in layout.strip("()").split(",") if axis.strip()])
    if array.ndim != ndim:
        raise ValueError(
            f"{function}: {name} must be {ndim}-D with shape {layout}, "
            f"got a {array.ndim}-D array of shape {array.shape}"
        )


def _check_weights(function: str, x: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> int:
    """Check Wx (D, 4H), Wh (H, 4H) and b (4H,) against the last axis D of x; return H."""
    _check_ndim(function, "Wx", Wx, "(D, 4H)")
    _check_ndim(function, "Wh", Wh, "(H, 4H)")
    _check_ndim(function, "b", b, "(4H,)")
    H = Wh.shape[0]
    if Wh.shape != (H, 4 * H):
        raise ValueError(
            f"{function}: Wh must have shape (H, 4H) = {(H, 4 * H)}, the gates i, f, g, o side by side "
            f"(H = {H} from its rows), got shape {Wh.shape}"
        )
    D = x.shape[-1]
    if Wx.shape[0] != D:
        raise ValueError(
            f"{function}: Wx must have D = {D} rows, one per feature of x (x has shape {x.shape}), "
            f"got {Wx.shape[0]} rows: Wx has shape {Wx.shape}, expected (D, 4H) = {(D, 4 * H)}"
        )
    if Wx.shape[1] != 4 * H:
        raise ValueError(
            f"{function}: Wx must have 4H = {4 * H} columns, the gates i, f, g, o side by side "
            f"(Wh has shape {Wh.shape}), "
            f"got {Wx.shape[1]} columns: Wx has shape {Wx.shape}, expected (D, 4H) = {(D, 4 * H)}"
        )
    if b.shape != (4 * H,):
        raise ValueError(
            f"{function}: b must have shape (4H,) = {(4 * H,)} (Wh has shape {Wh.shape}), got shape {b.shape}"
        )
    return H


def _check_state(function: str, name: str, state: np.ndarray, N: int, H: int) -> None:
    """Raise ``ValueError`` unless a hidden or cell state has shape (N, H)."""
    _check_ndim(function, name, state, "(N, H)")
    if state.shape != (N, H):
        raise ValueError(
            f"{function}: {name} must have shape (N, H) = {(N, H)} (N from x, H from Wh), got shape {state.shape}"
        )


def _check_step_args(
    function: str, x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> int:
    """Validate x (N, D), h_prev (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,); return H."""
    _check_ndim(function, "x", x, "(N, D)")
    H = _check_weights(function, x, Wx, Wh, b)
    _check_state(function, "h_prev", h_prev, x.shape[0], H)
    return H


def _check_sequence_args(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
    """Validate x (N, T, D) with T >= 1, h0 (N, H), Wx, Wh, b."""
    function = "lstm_forward"
    _check_ndim(function, "x", x, "(N, T, D)")
    if x.shape[1] < 1:
        raise ValueError(
            f"{function}: x must hold at least one time step (T >= 1, as PyTorch requires), got shape {x.shape}"
        )
    H = _check_weights(function, x, Wx, Wh, b)
    _check_state(function, "h0", h0, x.shape[0], H)


def _check_upstream(function: str, name: str, dout: np.ndarray, shape: tuple, layout: str) -> None:
    """Raise ``ValueError`` unless the upstream gradient has the shape of the forward output."""
    if dout.shape != shape:
        raise ValueError(
            f"{function}: {name} must have the shape of the forward output, {layout} = {shape}, got shape {dout.shape}"
        )


# END SOLUTION
