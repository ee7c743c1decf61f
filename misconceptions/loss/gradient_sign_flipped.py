"""Gets the sign of the gradient wrong: dlogits = (onehot - softmax) / N, the direction that increases the loss."""


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    logits = np.asarray(logits, dtype=np.float64)
    _check_logits_and_labels(logits, y)
    N = logits.shape[0]
    rows = np.arange(N)

    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()

    dlogits = -np.exp(log_probs)
    dlogits[rows, y] += 1.0
    dlogits /= N
    return float(loss), dlogits
