"""Cross-entropy with np.logaddexp.reduce for log-sum-exp and an np.eye one-hot; clipping through one flat vector.

The loss is returned as a numpy float64 (a float), the gradient built from the one-hot matrix; the
clipping norm is np.linalg.norm of all elements concatenated (an empty list handled apart), and each
gradient is scaled with np.multiply into an array of its own, which keeps 0-d gradients arrays.
"""

import numpy as np


def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"expected logits of shape (N, K) with N, K >= 1, got {logits.shape}")
    if not (isinstance(y, np.ndarray) and np.issubdtype(y.dtype, np.integer)):
        raise ValueError("y must be an integer numpy array")
    N, K = logits.shape
    if y.shape != (N,):
        raise ValueError(f"y must have shape ({N},), got {y.shape}")
    if y.min() < 0 or y.max() >= K:
        raise ValueError(f"labels must be in [0, {K})")
    onehot = np.eye(K)[y]
    log_norm = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_probs = logits - log_norm
    loss = -np.sum(onehot * log_probs) / N
    return np.float64(loss), (np.exp(log_probs) - onehot) / N


def clip_grad_norm(grads, max_norm):
    if not isinstance(max_norm, (int, float)) or isinstance(max_norm, bool) or max_norm <= 0 or max_norm != max_norm:
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    grads = list(grads)
    if not grads:
        return [], 0.0
    total_norm = float(np.linalg.norm(np.concatenate([np.ravel(g) for g in grads])))
    factor = min(1.0, max_norm / (total_norm + 1e-6))
    return [np.multiply(g, factor, out=np.empty(np.shape(g))) for g in grads], total_norm
