"""Scales only when total_norm > max_norm, so a total norm equal to max_norm is left unscaled (PyTorch scales it by a hair)."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = max_norm / (total_norm + EPS) if total_norm > max_norm else 1.0
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
