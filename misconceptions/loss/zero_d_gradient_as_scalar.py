"""Returns g * factor as it comes: for a 0-d gradient that is a numpy scalar (numpy.float64), not a 0-d ndarray."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [g * factor for g in grads]
    return clipped, total_norm
