"""Draws the keep mask with numpy.random.binomial(1, 1 - p, x.shape), numpy's global generator, ignoring the rng argument.

Same mistake as: dropout.mask_not_from_rng
"""


def dropout_forward(x, p=0.5, train=True, rng=None):
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    keep = np.random.binomial(1, 1.0 - p, size=x.shape)
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    return x * mask, (True, mask)
