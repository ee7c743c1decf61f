"""Draws one keep decision per example (rng.random((N, 1))) and broadcasts it, so whole rows are dropped together.

The fraction dropped and the scale are right on average, but the units of an example are not dropped independently.
"""


def dropout_forward(x, p=0.5, train=True, rng=None):
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    keep = rng.random((x.shape[0],) + (1,) * (x.ndim - 1)) >= p
    mask = np.broadcast_to(keep / (1.0 - p) if p < 1 else np.zeros(keep.shape), x.shape)
    return x * mask, (True, mask)
