"""Exercise ``affine``: an affine (fully connected) layer, forward and backward.

The docstrings here become the students' stub and notebook: say the shapes, the formula and the
conventions. Everything between solution markers is removed from the stub.
"""

from __future__ import annotations

import numpy as np


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Forward pass: ``out = x @ w + b``.

    Parameters
    ----------
    x : ndarray, shape (N, D)
    w : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : tuple
        What ``affine_backward`` needs.

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    # BEGIN SOLUTION: compute out = x @ w + b and keep what the backward needs
    _check_shapes(x, w, b)
    out = x @ w + b
    return out, (x, w)
    # END SOLUTION


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass: the gradients of the loss with respect to x, w and b.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
        The upstream gradient.
    cache : tuple
        From ``affine_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dw : ndarray, shape (D, M)
    db : ndarray, shape (M,)
    """
    # BEGIN SOLUTION: dx = dout @ w.T, dw = x.T @ dout, db sums dout over the batch
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)
    # END SOLUTION


# BEGIN SOLUTION
def _check_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray):
    """Raise ``ValueError`` unless the shapes of x (N, D), w (D, M) and b (M,) fit."""
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"x (N, D) and w (D, M) must fit: x shape {x.shape}, w shape {w.shape}")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape (M,) = ({w.shape[1]},), got {b.shape}")
# END SOLUTION
