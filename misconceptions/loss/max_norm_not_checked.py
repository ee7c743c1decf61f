"""Does not refuse a max_norm <= 0: every gradient is then zeroed (max_norm = 0) or flipped (max_norm < 0)."""


def _check_grads(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    if not isinstance(grads, (list, tuple)):
        raise ValueError(f"grads must be a list of arrays, got {type(grads).__name__}")
    for k, g in enumerate(grads):
        if not isinstance(g, np.ndarray):
            raise ValueError(f"grads[{k}] must be an ndarray, got {type(g).__name__}")
    return [np.asarray(g, dtype=np.float64) for g in grads]
