"""Divides by total_norm itself, the textbook way (if total_norm > max_norm: g * max_norm / total_norm), without PyTorch's 1e-6.

The difference is a relative 1e-6 / total_norm: invisible for large gradients, large for tiny ones.
"""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = max_norm / total_norm if total_norm > max_norm else 1.0
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
