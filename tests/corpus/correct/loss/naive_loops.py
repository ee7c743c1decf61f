"""Cross-entropy and clipping with plain Python loops: one example, one class, one element at a time.

Each row is shifted by its own maximum found in a loop; the loss is accumulated example by example
with math.log; clipping sums the squares element by element and scales a fresh copy of every gradient.
"""

import math

import numpy as np


def _check(logits, y):
    if not isinstance(logits, np.ndarray) or logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1:
        raise ValueError("logits must be a 2-D array with at least one row and one column")
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        raise ValueError("y must be an array of integer labels")
    if y.ndim != 1 or len(y) != logits.shape[0]:
        raise ValueError("y must hold one label per row of logits")
    for label in y.tolist():
        if label < 0 or label >= logits.shape[1]:
            raise ValueError("a label is outside [0, K)")


def softmax_cross_entropy(logits, y):
    _check(logits, y)
    N, K = logits.shape
    total = 0.0
    dlogits = np.zeros((N, K))
    for n in range(N):
        row = [float(v) for v in logits[n]]
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        norm = sum(exps)
        label = int(y[n])
        total += -((row[label] - top) - math.log(norm))
        for k in range(K):
            dlogits[n, k] = (exps[k] / norm - (1.0 if k == label else 0.0)) / N
    return total / N, dlogits


def clip_grad_norm(grads, max_norm):
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not max_norm > 0:
        raise ValueError("max_norm must be positive")
    squares = 0.0
    for g in grads:
        for value in np.asarray(g, dtype=float).ravel().tolist():
            squares += value * value
    total_norm = math.sqrt(squares)
    factor = max_norm / (total_norm + 1e-6)
    if factor > 1.0:
        factor = 1.0
    clipped = []
    for g in grads:
        c = np.array(g, dtype=float)  # a copy, 0-d arrays included
        c *= factor
        clipped.append(c)
    return clipped, total_norm
