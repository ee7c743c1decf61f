"""Flattens the gradients with np.concatenate to take one norm, which fails on an empty list of gradients."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads])))
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
