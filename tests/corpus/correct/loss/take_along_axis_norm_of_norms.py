"""Cross-entropy from the probabilities of a stable softmax, picking each row's log-probability with take_along_axis.

The log-probability is the shifted logit minus the log of its row's normalizer (never the log of an
underflowed probability); clipping takes the norm of the per-gradient norms, as PyTorch does, and
copies before scaling in place.
"""

import numpy as np


def _softmax_parts(logits):
    z = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(z)
    s = np.sum(e, axis=-1, keepdims=True)
    return z, e / s, np.log(s)


def softmax_cross_entropy(logits, y):
    if not isinstance(logits, np.ndarray) or logits.ndim != 2:
        raise ValueError("logits must be an (N, K) array")
    N, K = logits.shape
    if N == 0 or K == 0:
        raise ValueError("logits must not be empty")
    if not isinstance(y, np.ndarray) or y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise ValueError("y must be integer labels")
    if y.shape != (N,):
        raise ValueError("y must have shape (N,)")
    if np.any(y < 0) or np.any(y >= K):
        raise ValueError("labels out of range")
    z, probs, log_norm = _softmax_parts(logits.astype(np.float64))
    labels = y.reshape(N, 1).astype(np.intp)
    picked = np.take_along_axis(z - log_norm, labels, axis=1)
    dlogits = probs.copy()
    np.put_along_axis(dlogits, labels, np.take_along_axis(probs, labels, axis=1) - 1, axis=1)
    return float(-picked.mean()), dlogits / N


def clip_grad_norm(grads, max_norm):
    if type(max_norm) not in (int, float) or not max_norm > 0:
        raise ValueError("max_norm must be > 0")
    norms = np.array([np.sqrt(np.sum(np.square(g))) for g in grads], dtype=np.float64)
    total_norm = float(np.sqrt(np.sum(np.square(norms))))
    coef = max_norm / (total_norm + 1e-6)
    clipped = []
    for g in grads:
        c = np.array(g, dtype=np.float64, copy=True)
        if coef < 1:
            c *= coef
        clipped.append(c)
    return clipped, total_norm
