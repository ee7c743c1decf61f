"""Checks the ids with idx.max() > V instead of >= V, so an id equal to V gets through and W[idx] raises IndexError.

An off-by-one in the range check: the valid ids are 0 .. V-1. Right for every valid input.
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"idx must be an integer array of token ids, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() > W.shape[0]):
        raise ValueError(f"idx must hold token ids in [0, V] for V = {W.shape[0]}")
    return idx
