"""Converts idx with np.asarray(idx, dtype=np.int64) instead of checking its dtype, so float and boolean ids are accepted.

The cast truncates floats (2.7 becomes 2) and turns booleans into 0 and 1; the contract asks for a
ValueError on a non-integer idx. Right for every valid input.
"""


def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx, dtype=np.int64)  # make sure the ids are integers
    V = W.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        raise ValueError(f"idx must hold token ids in [0, V) = [0, {V})")
    return idx
