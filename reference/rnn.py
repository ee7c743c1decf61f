"""A vanilla (Elman) recurrent network with a tanh nonlinearity, and backpropagation through time.

One time step maps the input ``x`` and the previous hidden state ``h_prev`` to the next one::

    h_next = tanh(x @ Wx + h_prev @ Wh + b)

A sequence ``x`` of shape ``(N, T, D)`` (batch first) is processed by applying the same step,
with the same weights, at t = 0, 1, ..., T - 1, starting from ``h0``. The backward pass walks
the time steps in reverse: the gradient reaching ``h_t`` is the upstream gradient ``dh[:, t]``
plus what flows back from step t + 1, and the weight gradients add up over all time steps.

This is ``torch.nn.RNN(nonlinearity="tanh", batch_first=True)`` with one layer, with the weights
stored transposed (``Wx = weight_ih_l0.T``, ``Wh = weight_hh_l0.T``) and a single bias
``b = bias_ih_l0 + bias_hh_l0``.
"""

from __future__ import annotations

import numpy as np


def rnn_step_forward(
    x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, tuple]:
    """Forward pass of one time step of a tanh RNN::

        a      = x @ Wx + h_prev @ Wh + b        (N, H)
        h_next = tanh(a)                         (N, H)

    Parameters
    ----------
    x : ndarray, shape (N, D)
        Inputs of this time step, one row per example.
    h_prev : ndarray, shape (N, H)
        Hidden state of the previous time step.
    Wx : ndarray, shape (D, H)
        Input-to-hidden weights.
    Wh : ndarray, shape (H, H)
        Hidden-to-hidden weights.
    b : ndarray, shape (H,)
        Bias, broadcast over the batch.

    Returns
    -------
    h_next : ndarray, shape (N, H)
        The next hidden state.
    cache : tuple
        What ``rnn_step_backward`` needs. Keeping ``h_next`` is enough for the derivative
        of tanh: ``tanh'(a) = 1 - tanh(a)**2``.

    Raises
    ------
    ValueError
        If an argument has the wrong number of dimensions, or the shapes disagree:
        D of x versus the rows of Wx, H of Wh (square) versus the columns of Wx, b and h_prev.
    """
    # BEGIN SOLUTION: check the shapes, then h_next = tanh(x @ Wx + h_prev @ Wh + b)
    x, h_prev, Wx, Wh, b = _as_float64(x, h_prev, Wx, Wh, b)
    _check_step_args(x, h_prev, Wx, Wh, b)
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)
    cache = (x, h_prev, Wx, Wh, h_next)
    return h_next, cache
    # END SOLUTION


def rnn_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of one time step of a tanh RNN.

    With ``a = x @ Wx + h_prev @ Wh + b`` and ``h_next = tanh(a)``, the chain rule gives::

        da      = dh_next * (1 - h_next**2)      (N, H)
        dx      = da @ Wx.T                      (N, D)
        dh_prev = da @ Wh.T                      (N, H)
        dWx     = x.T @ da                       (D, H)
        dWh     = h_prev.T @ da                  (H, H)
        db      = sum of da over the batch       (H,)

    Parameters
    ----------
    dh_next : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    cache : tuple
        The cache returned by ``rnn_step_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dh_prev : ndarray, shape (N, H)
    dWx : ndarray, shape (D, H)
    dWh : ndarray, shape (H, H)
    db : ndarray, shape (H,)

    Raises
    ------
    ValueError
        If ``dh_next`` does not have the shape of the forward's ``h_next``.
    """
    # BEGIN SOLUTION: check dh_next, backpropagate through tanh, then the matrix products and the bias
    x, h_prev, Wx, Wh, h_next = cache
    (dh_next,) = _as_float64(dh_next)
    _check_upstream("rnn_step_backward", "dh_next", dh_next, h_next.shape, "(N, H)")
    da = dh_next * (1.0 - h_next**2)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
    # END SOLUTION


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, list]:
    """Forward pass of a tanh RNN over a whole sequence.

    Starting from ``h_{-1} = h0``, the same step runs at every time step t = 0, ..., T - 1::

        h_t = tanh(x[:, t] @ Wx + h_{t-1} @ Wh + b)

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Input sequences, batch first, T >= 1 (PyTorch rejects empty sequences too).
    h0 : ndarray, shape (N, H)
        Initial hidden state.
    Wx : ndarray, shape (D, H)
    Wh : ndarray, shape (H, H)
    b : ndarray, shape (H,)

    Returns
    -------
    h : ndarray, shape (N, T, H)
        Every hidden state: ``h[:, t]`` is ``h_t`` (``h0`` itself is not included).
    cache : list
        What ``rnn_backward`` needs: the cache of every time step, in time order.

    Raises
    ------
    ValueError
        If x is not 3-D or has T = 0, or the shapes disagree (see ``rnn_step_forward``).
    """
    # BEGIN SOLUTION: run rnn_step_forward at every time step, feeding each hidden state into the next
    x, h0, Wx, Wh, b = _as_float64(x, h0, Wx, Wh, b)
    _check_sequence_args(x, h0, Wx, Wh, b)
    N, T, _ = x.shape
    h = np.empty((N, T, Wh.shape[0]))
    cache = []
    h_prev = h0
    for t in range(T):
        h_prev, step_cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
        cache.append(step_cache)
    return h, cache
    # END SOLUTION


def rnn_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a tanh RNN over a whole sequence: backpropagation through time (BPTT).

    ``h_t`` influences the loss directly (``dh[:, t]``) and through ``h_{t+1}``. Going from
    t = T - 1 down to 0, the total gradient on ``h_t`` is::

        dh_t = dh[:, t] + (dh_prev returned by the backward of step t + 1)     (zero after the last step)

    and the backward of step t turns it into ``dx[:, t]``, the gradient on ``h_{t-1}`` and this
    step's share of the weight gradients. The weights are shared by all time steps, so
    ``dWx``, ``dWh`` and ``db`` are sums over t. After step 0, the gradient on ``h_{-1}`` is ``dh0``.

    Parameters
    ----------
    dh : ndarray, shape (N, T, H)
        Upstream gradient of the loss with respect to every hidden state ``h``.
    cache : list
        The cache returned by ``rnn_forward``.

    Returns
    -------
    dx : ndarray, shape (N, T, D)
    dh0 : ndarray, shape (N, H)
    dWx : ndarray, shape (D, H)
    dWh : ndarray, shape (H, H)
    db : ndarray, shape (H,)

    Raises
    ------
    ValueError
        If ``dh`` does not have the shape of the forward's ``h``.
    """
    # BEGIN SOLUTION: walk back in time with rnn_step_backward, carrying dh_prev, summing the weight gradients
    (dh,) = _as_float64(dh)
    x_0, _, _, _, h_0 = cache[0]
    (N, D), H, T = x_0.shape, h_0.shape[1], len(cache)
    _check_upstream("rnn_backward", "dh", dh, (N, T, H), "(N, T, H)")
    dx = np.empty((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
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
    """Check Wx (D, H), Wh (H, H) and b (H,) against the last axis D of x; return H."""
    _check_ndim(function, "Wx", Wx, "(D, H)")
    _check_ndim(function, "Wh", Wh, "(H, H)")
    _check_ndim(function, "b", b, "(H,)")
    H = Wh.shape[0]
    if Wh.shape != (H, H):
        raise ValueError(f"{function}: Wh must be square, shape (H, H), got shape {Wh.shape}")
    D = x.shape[-1]
    if Wx.shape[0] != D:
        raise ValueError(
            f"{function}: Wx must have D = {D} rows, one per feature of x (x has shape {x.shape}), "
            f"got {Wx.shape[0]} rows: Wx has shape {Wx.shape}, expected (D, H) = {(D, H)}"
        )
    if Wx.shape[1] != H:
        raise ValueError(
            f"{function}: Wx must have H = {H} columns, one per hidden unit (Wh has shape {Wh.shape}), "
            f"got {Wx.shape[1]} columns: Wx has shape {Wx.shape}, expected (D, H) = {(D, H)}"
        )
    if b.shape != (H,):
        raise ValueError(f"{function}: b must have shape (H,) = {(H,)} (Wh has shape {Wh.shape}), got shape {b.shape}")
    return H


def _check_hidden(function: str, name: str, h: np.ndarray, N: int, H: int) -> None:
    """Raise ``ValueError`` unless the hidden state ``h`` has shape (N, H)."""
    _check_ndim(function, name, h, "(N, H)")
    if h.shape != (N, H):
        raise ValueError(
            f"{function}: {name} must have shape (N, H) = {(N, H)} (N from x, H from Wh), got shape {h.shape}"
        )


def _check_step_args(x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
    """Validate the arguments of one time step: x (N, D), h_prev (N, H), Wx (D, H), Wh (H, H), b (H,)."""
    function = "rnn_step_forward"
    _check_ndim(function, "x", x, "(N, D)")
    H = _check_weights(function, x, Wx, Wh, b)
    _check_hidden(function, "h_prev", h_prev, x.shape[0], H)


def _check_sequence_args(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
    """Validate the arguments of a sequence: x (N, T, D) with T >= 1, h0 (N, H), Wx, Wh, b."""
    function = "rnn_forward"
    _check_ndim(function, "x", x, "(N, T, D)")
    if x.shape[1] < 1:
        raise ValueError(
            f"{function}: x must hold at least one time step (T >= 1, as PyTorch requires), got shape {x.shape}"
        )
    H = _check_weights(function, x, Wx, Wh, b)
    _check_hidden(function, "h0", h0, x.shape[0], H)


def _check_upstream(function: str, name: str, dout: np.ndarray, shape: tuple, layout: str) -> None:
    """Raise ``ValueError`` unless the upstream gradient has the shape of the forward output."""
    if dout.shape != shape:
        raise ValueError(
            f"{function}: {name} must have the shape of the forward output, {layout} = {shape}, got shape {dout.shape}"
        )


# END SOLUTION
