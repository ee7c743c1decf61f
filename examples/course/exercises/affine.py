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
    raise NotImplementedError('affine_forward: compute out = x @ w + b and keep what the backward needs')


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
    raise NotImplementedError('affine_backward: dx = dout @ w.T, dw = x.T @ dout, db sums dout over the batch')
