"""Draws one mask for a single example (rng.random(x.shape[1:])) and broadcasts it, so every example of the batch drops the same units.

The fraction dropped and the scale are right on average, but the examples are not dropped independently.
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
    keep = rng.random(x.shape[1:]) >= p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(keep.shape)
    out = x * mask
    return out, (True, np.broadcast_to(mask, x.shape))
