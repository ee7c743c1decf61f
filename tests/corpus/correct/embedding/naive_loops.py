"""Embedding with plain Python loops: one row copied per id in the forward, one row added per id in the backward.

The slowest correct style (a loop step per position of idx), so it doubles as the timing worst case.
"""

import numpy as np


def _check(idx, W):
    if not isinstance(idx, np.ndarray) or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError("idx must be an integer numpy array")
    if W.ndim != 2:
        raise ValueError("W must be (V, D)")
    for i in idx.flat:
        if i < 0 or i >= W.shape[0]:
            raise ValueError(f"index {i} is outside [0, {W.shape[0]})")


def embedding_forward(idx, W):
    _check(idx, W)
    out = np.zeros(idx.shape + (W.shape[1],))
    for position in np.ndindex(*idx.shape):
        out[position] = W[idx[position]]
    return out, (idx, W.shape)


def embedding_backward(dout, cache):
    idx, (V, D) = cache
    if dout.shape != idx.shape + (D,):
        raise ValueError("dout must have the shape of the forward output")
    dW = np.zeros((V, D))
    for position in np.ndindex(*idx.shape):
        dW[idx[position]] += dout[position]
    return dW
