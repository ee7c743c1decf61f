"""Treats p as the probability of KEEPING a unit (keeps with probability p, scales by 1/p).

Inverted dropout: the forward pass zeroes random units, the backward pass reuses the same mask.

PyTorch's convention: ``p`` is the probability of *dropping* a unit. In training each element
of ``x`` is kept with probability ``1 - p`` and the kept ones are scaled by ``1 / (1 - p)``, so
the expected output equals ``x`` and evaluation needs no rescaling: in evaluation dropout is the
identity.
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
    keep = rng.random(x.shape) < p
    mask = keep / p if p > 0 else np.zeros(x.shape)
    out = x * mask
    return out, (True, mask)
