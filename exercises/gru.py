"""A gated recurrent unit (GRU) layer, and backpropagation through time.

This is ``torch.nn.GRU`` with one layer and ``batch_first=True``. One time step computes three
blocks from the input ``x`` and the previous hidden state ``h_prev``, stacked by columns in
PyTorch's order **r, z, n**: with H hidden units, ``Wx`` is ``(D, 3H)`` (``weight_ih_l0.T``),
``Wh`` is ``(H, 3H)`` (``weight_hh_l0.T``), ``bx`` and ``bh`` are ``(3H,)`` (``bias_ih_l0`` and
``bias_hh_l0``), and::

    ax = x @ Wx + bx                     (N, 3H), blocks ax_r, ax_z, ax_n of H columns
    ah = h_prev @ Wh + bh                (N, 3H), blocks ah_r, ah_z, ah_n
    r = sigmoid(ax_r + ah_r)             reset gate
    z = sigmoid(ax_z + ah_z)             update gate
    n = tanh(ax_n + r * ah_n)            candidate state
    h_next = (1 - z) * n + z * h_prev

**How this differs from the lectures.** The lectures (after Cho et al., 2014, the original GRU)
write ``h = (1 - z) * h_prev + z * h~`` with ``h~ = tanh(x U + (r * h_prev) W)``. PyTorch, and
this course, differ in two places:

- **which side z multiplies**: here z keeps the old state (``z * h_prev``) and ``1 - z`` lets in
  the candidate; in the lectures z lets in the candidate. Alone, this swap is only a
  reparameterisation (``z`` becomes ``1 - z``), but the numbers differ for the same weights;
- **where the reset gate applies**: here r multiplies the *result* of the matrix product, bias
  included, ``r * (h_prev @ Wh_n + bh_n)``; in the lectures r multiplies h_prev *before* the
  product, ``(r * h_prev) @ Wh_n``. That is a different model, with different values.

That is also why the GRU keeps two biases: ``bh_n`` sits inside ``r * (...)``, so it cannot be
merged into ``bx_n`` (for r and z the two biases only ever appear as a sum).

A sequence ``x`` of shape ``(N, T, D)`` (batch first) runs the same step at t = 0, ..., T - 1
from the hidden state ``h0``.
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
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gru_step_forward(
    x: np.ndarray, h_prev: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, bx: np.ndarray, bh: np.ndarray
) -> tuple[np.ndarray, tuple]:
    """Forward pass of one GRU time step, as ``torch.nn.GRUCell``::

        ax = x @ Wx + bx                       (N, 3H): blocks r, z, n of H columns each
        ah = h_prev @ Wh + bh                  (N, 3H)
        r = sigmoid(ax_r + ah_r)               (N, H)
        z = sigmoid(ax_z + ah_z)               (N, H)
        n = tanh(ax_n + r * ah_n)              (N, H)   r multiplies h_prev @ Wh_n + bh_n
        h_next = (1 - z) * n + z * h_prev      (N, H)   z keeps the old state

    Not the lectures' form: there z multiplies the candidate and r multiplies h_prev before the
    matrix product (see the module's docstring).

    Parameters
    ----------
    x : ndarray, shape (N, D)
        Inputs of this time step.
    h_prev : ndarray, shape (N, H)
        Hidden state of the previous time step.
    Wx : ndarray, shape (D, 3H)
        Input-to-hidden weights, blocks r, z, n side by side (``weight_ih_l0.T``).
    Wh : ndarray, shape (H, 3H)
        Hidden-to-hidden weights, blocks r, z, n side by side (``weight_hh_l0.T``).
    bx : ndarray, shape (3H,)
        Input bias (``bias_ih_l0``).
    bh : ndarray, shape (3H,)
        Hidden bias (``bias_hh_l0``); its n block is inside ``r * (...)``.

    Returns
    -------
    h_next : ndarray, shape (N, H)
    cache : tuple
        What ``gru_step_backward`` needs: the inputs, the weights, r, z, n and ``ah_n``.

    Raises
    ------
    ValueError
        If an argument has the wrong number of dimensions, or the shapes disagree:
        D of x versus the rows of Wx, Wh versus (H, 3H), the columns of Wx versus 3H, bx and bh
        versus (3H,), h_prev versus (N, H).
    """
    raise NotImplementedError('gru_step_forward: check the shapes, compute ax and ah, the gates r and z, the candidate n, then h_next')


def gru_step_backward(
    dh_next: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of one GRU time step.

    From ``h_next = (1 - z) * n + z * h_prev``::

        dn = dh_next * (1 - z)      dz = dh_next * (h_prev - n)      and dh_next * z reaches h_prev directly

    Through the nonlinearities (``tanh' = 1 - n**2``, ``sigmoid' = s * (1 - s)``) and
    ``n = tanh(ax_n + r * ah_n)``::

        dan = dn * (1 - n**2)             gradient of ax_n + r * ah_n
        dr  = dan * ah_n                  ah_n = h_prev @ Wh_n + bh_n, bias included
        dar = dr * r * (1 - r)            daz = dz * z * (1 - z)

    The input side gets ``dax = [dar, daz, dan]`` and the hidden side ``dah = [dar, daz, r * dan]``
    (blocks side by side in the order r, z, n), and as in any affine map::

        dx  = dax @ Wx.T     dWx = x.T @ dax        dbx = sum of dax over the batch
        dh_prev = dh_next * z + dah @ Wh.T
        dWh = h_prev.T @ dah                        dbh = sum of dah over the batch

    Parameters
    ----------
    dh_next : ndarray, shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    cache : tuple
        The cache returned by ``gru_step_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dh_prev : ndarray, shape (N, H)
    dWx : ndarray, shape (D, 3H)
    dWh : ndarray, shape (H, 3H)
    dbx : ndarray, shape (3H,)
    dbh : ndarray, shape (3H,)

    Raises
    ------
    ValueError
        If ``dh_next`` does not have the shape (N, H) of the forward's ``h_next``.
    """
    raise NotImplementedError('gru_step_backward: check dh_next; gradients on n, z and h_prev, through tanh and sigmoid, then both affine maps')


def gru_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, bx: np.ndarray, bh: np.ndarray
) -> tuple[np.ndarray, list]:
    """Forward pass of a GRU over a whole sequence, as ``torch.nn.GRU(batch_first=True)``.

    Starting from ``h_{-1} = h0``, at every time step t = 0, ..., T - 1::

        h_t, _ = gru_step_forward(x[:, t], h_{t-1}, Wx, Wh, bx, bh)

    Parameters
    ----------
    x : ndarray, shape (N, T, D)
        Input sequences, batch first, T >= 1 (PyTorch rejects empty sequences too).
    h0 : ndarray, shape (N, H)
        Initial hidden state.
    Wx : ndarray, shape (D, 3H)
    Wh : ndarray, shape (H, 3H)
    bx : ndarray, shape (3H,)
    bh : ndarray, shape (3H,)

    Returns
    -------
    h : ndarray, shape (N, T, H)
        Every hidden state: ``h[:, t]`` is ``h_t`` (``h0`` itself is not included).
    cache : list
        What ``gru_backward`` needs: the cache of every time step, in time order.

    Raises
    ------
    ValueError
        If x is not 3-D or has T = 0, or the shapes disagree (see ``gru_step_forward``).
    """
    raise NotImplementedError('gru_forward: check the shapes and T >= 1, then run gru_step_forward at every time step from h0')


def gru_backward(
    dh: np.ndarray, cache: list
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a GRU over a whole sequence: backpropagation through time (BPTT).

    Going from t = T - 1 down to 0, step t receives::

        dh_t = dh[:, t] + (dh_prev returned by the backward of step t + 1)

    (the carried term is zero at the last step). The weights and biases are shared by all time
    steps, so ``dWx``, ``dWh``, ``dbx`` and ``dbh`` are sums over t. After step 0, the carried
    gradient is ``dh0``.

    Parameters
    ----------
    dh : ndarray, shape (N, T, H)
        Upstream gradient of the loss with respect to every hidden state ``h``.
    cache : list
        The cache returned by ``gru_forward``.

    Returns
    -------
    dx : ndarray, shape (N, T, D)
    dh0 : ndarray, shape (N, H)
    dWx : ndarray, shape (D, 3H)
    dWh : ndarray, shape (H, 3H)
    dbx : ndarray, shape (3H,)
    dbh : ndarray, shape (3H,)

    Raises
    ------
    ValueError
        If ``dh`` does not have the shape of the forward's ``h``.
    """
    raise NotImplementedError('gru_backward: walk back in time with gru_step_backward, carrying dh_prev, summing the weight and bias gradients')
