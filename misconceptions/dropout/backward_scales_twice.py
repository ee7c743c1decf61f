"""The backward divides by 1 - p again although the cached mask is already scaled, so dx is scaled by 1/(1 - p) twice.

The forward is right; the backward multiplies dout by mask / (1 - p).
"""


def dropout_forward(
    x: np.ndarray,
    p: float = 0.5,
    train: bool = True,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, tuple]:
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None, p)
    keep = rng.random(x.shape) >= p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    out = x * mask
    return out, (True, mask, p)


def dropout_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    train, mask, p = cache
    dout = np.asarray(dout, dtype=np.float64)
    if not train:
        return dout.copy()
    if dout.shape != mask.shape:
        raise ValueError(
            f"dropout_backward: dout must have the shape of the forward's x {mask.shape}, got {dout.shape}"
        )
    return dout * mask / (1.0 - p)
