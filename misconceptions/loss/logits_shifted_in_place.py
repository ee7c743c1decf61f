"""Subtracts each row's maximum in place (logits -= logits.max(...)): right values, but the caller's logits change.

np.asarray returns the very array it is given when it is float64 already, so the shift reaches the caller.
"""


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    logits = np.asarray(logits, dtype=np.float64)
    _check_logits_and_labels(logits, y)
    N = logits.shape[0]
    rows = np.arange(N)

    logits -= logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()

    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    dlogits /= N
    return float(loss), dlogits
