"""Shifts the logits, but takes the log of the softmax instead of log-sum-exp: log(0) = -inf where the softmax underflows.

Right unless a correct class lies about 745 or more below its row's maximum; there the loss is infinite.
"""


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    logits = np.asarray(logits, dtype=np.float64)
    _check_logits_and_labels(logits, y)
    N = logits.shape[0]
    rows = np.arange(N)

    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.log(probs[rows, y]).mean()

    dlogits = probs.copy()
    dlogits[rows, y] -= 1.0
    dlogits /= N
    return float(loss), dlogits
