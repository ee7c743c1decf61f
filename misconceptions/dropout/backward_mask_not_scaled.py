"""The forward scales by 1/(1 - p), but the cache keeps the unscaled 0/1 mask, so the backward returns dout * keep without the scale.

The forward is right; dx is too small by the factor 1 - p.
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
        return x.copy(), (False, None)
    keep = rng.random(x.shape) >= p
    scale = 1.0 / (1.0 - p) if p < 1 else 0.0
    out = x * keep * scale
    return out, (True, keep.astype(np.float64))
