"""Multiplies by max_norm / (total_norm + 1e-6) without capping the factor at 1, so short gradients are stretched to max_norm."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = max_norm / (total_norm + EPS)
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
