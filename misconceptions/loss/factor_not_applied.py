"""Computes the clipped gradients, then returns the list it was given (return grads, ...) instead of them."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]
    return grads, total_norm
