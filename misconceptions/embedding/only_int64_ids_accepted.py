"""Accepts only int64 ids (idx.dtype == np.int64), so valid int32 or unsigned ids raise ValueError.

Token ids come in any integer dtype (uint8, uint16 and int32 are common for compact datasets).
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if idx.dtype != np.int64:
        raise ValueError(f"idx must have dtype int64, got {idx.dtype}")
    V = W.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        raise ValueError(f"idx must hold token ids in [0, V) = [0, {V})")
    return idx
