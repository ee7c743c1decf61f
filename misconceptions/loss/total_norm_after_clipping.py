"""Returns the norm of the clipped gradients instead of the total norm measured before clipping (which PyTorch returns)."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, math.sqrt(sum(float(np.sum(c * c)) for c in clipped))
