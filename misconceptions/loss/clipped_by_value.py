"""Clips every element to [-max_norm, max_norm] (torch.nn.utils.clip_grad_value_) instead of scaling by the total norm.

The update then changes direction, and gradients whose norm is too large but whose elements are small are not clipped.
"""


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    clipped = [np.asarray(np.clip(g, -max_norm, max_norm)) for g in grads]
    return clipped, total_norm
