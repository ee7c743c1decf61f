"""Embedding with np.take in the forward and, in the backward, the gradients sorted by id and summed per run.

Another vectorization of the scatter-add: argsort groups the positions of each id together and
np.add.reduceat sums every group at once, so repeated ids add up without np.add.at.
"""

import numpy as np


def embedding_forward(idx, W):
    if not isinstance(idx, np.ndarray) or idx.dtype == bool or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError("idx must be an array of integer ids")
    if W.ndim != 2:
        raise ValueError("W must have shape (V, D)")
    if idx.size and (idx.min() < 0 or idx.max() >= len(W)):
        raise ValueError("ids must lie in [0, V)")
    return np.take(W, idx, axis=0), (idx.copy(), W.shape)


def embedding_backward(dout, cache):
    idx, (V, D) = cache
    if dout.shape != idx.shape + (D,):
        raise ValueError("dout must be shaped idx.shape + (D,)")
    ids = idx.ravel().astype(np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]) if ids.size else np.zeros(0, int)
    dW = np.zeros((V, D))
    if ids.size:
        dW[sorted_ids[starts]] = np.add.reduceat(dout.reshape(-1, D)[order], starts, axis=0)
    return dW
