"""Does not check that the labels lie in [0, K).

A label of K then raises IndexError instead of ValueError, and a negative one silently picks a class from the end.
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
    if y.shape != (N,):
        raise ValueError(f"y must have shape (N,) = ({N},) for logits of shape {logits.shape}, got {y.shape}")
