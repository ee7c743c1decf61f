"""Scales the gradients in place (g *= factor), as torch.nn.utils.clip_grad_norm_ does, and returns the caller's own arrays."""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total_norm + EPS))
    for g in grads:
        g *= factor
    return grads, total_norm
