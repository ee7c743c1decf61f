"""Embedding as the linear layer it is: the one-hot matrix of the ids times W, and its transpose times dout.

The lectures' formulation, vectorized with a dense one-hot matrix (idx.size x V) instead of indexing.
"""

import numpy as np


def embedding_forward(idx, W):
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"idx must hold integers, got {idx.dtype}")
    if np.ndim(W) != 2:
        raise ValueError("W must be 2-D")
    V, D = W.shape
    if np.any(idx < 0) or np.any(idx >= V):
        raise ValueError("idx holds an id outside [0, V)")
    one_hot = (idx.reshape(-1, 1) == np.arange(V)).astype(np.float64)  # (idx.size, V)
    out = (one_hot @ W).reshape(idx.shape + (D,))
    return out, {"one_hot": one_hot, "shape": idx.shape, "D": D}


def embedding_backward(dout, cache):
    one_hot, D = cache["one_hot"], cache["D"]
    if dout.shape != cache["shape"] + (D,):
        raise ValueError("dout must have the shape idx.shape + (D,)")
    return one_hot.T @ dout.reshape(-1, D)
