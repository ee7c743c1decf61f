"""Checks only that no id is negative: an id of V or more reaches W[idx], which raises IndexError.

The student guards against numpy reading a negative id from the end of W and forgets the upper
bound. It raises what an off-by-one range check raises on an id equal to V, and also on ids far
above V, where an off-by-one check raises ValueError.
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"idx must be an integer array of token ids, got dtype {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise ValueError("idx must not hold negative ids")
    return idx
