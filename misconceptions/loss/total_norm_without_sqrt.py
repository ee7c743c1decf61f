"""Forgets the square root: total_norm is the sum of the squares, and the factor is computed from it."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = sum((float(np.sum(g * g)) for g in grads), 0.0)
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
