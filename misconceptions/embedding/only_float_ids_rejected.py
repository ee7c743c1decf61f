"""Rejects only floating ids (np.issubdtype(idx.dtype, np.floating)), so a boolean idx is used as a mask.

W[mask] selects rows instead of looking them up, and usually raises IndexError; bool is not an
integer dtype and must raise ValueError. Right for every valid input.
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if np.issubdtype(idx.dtype, np.floating):
        raise ValueError(f"idx must not hold floats, got dtype {idx.dtype}")
    V = W.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        raise ValueError(f"idx must hold token ids in [0, V) = [0, {V})")
    return idx
