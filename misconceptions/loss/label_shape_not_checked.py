"""Does not check that y has shape (N,).

A y of shape (N, 1) broadcasts against np.arange(N) into an (N, N) selection, silently.
"""


def _check_logits_and_labels(logits: np.ndarray, y: np.ndarray) -> None:
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, K), got shape {logits.shape}")
    N, K = logits.shape
    if N == 0 or K == 0:
        raise ValueError(f"logits must have at least one row and one column (N, K >= 1), got shape {logits.shape}")
    if not isinstance(y, np.ndarray) or not np.issubdtype(y.dtype, np.integer):
        kind = f"an array of dtype {y.dtype}" if isinstance(y, np.ndarray) else type(y).__name__
        raise ValueError(f"y must be an integer ndarray of class labels, got {kind}")
    outside = (y < 0) | (y >= K)
    if np.any(outside):
        raise ValueError(f"labels must lie in [0, K) = [0, {K}); found {y[outside][0]} at index "
                         f"{int(np.flatnonzero(outside)[0])}")
