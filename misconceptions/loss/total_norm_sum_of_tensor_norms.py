"""Adds up the norms of the gradients instead of taking the norm of all their elements together.

Right for a single gradient; with several, sum of norms >= norm of the whole, so it clips too much.
"""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = sum((math.sqrt(float(np.sum(g * g))) for g in grads), 0.0)
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]
    return clipped, total_norm
