"""Exercise ``relu``: the rectified linear unit, forward and backward.

``relu(x) = max(x, 0)`` elementwise; its gradient passes ``dout`` where ``x > 0`` and is zero elsewhere.
"""

from __future__ import annotations

import numpy as np


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward pass: ``out = max(x, 0)``, elementwise.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    out : ndarray, shape of x
    cache : ndarray
        What ``relu_backward`` needs.
    """
    raise NotImplementedError('relu_forward: keep the positive entries of x, zero the others')


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward pass: ``dx = dout`` where ``x > 0``, else 0.

    Parameters
    ----------
    dout : ndarray, shape of x
    cache : ndarray
        From ``relu_forward``.

    Returns
    -------
    dx : ndarray, shape of x
    """
    raise NotImplementedError('relu_backward: pass dout where the input was positive')
