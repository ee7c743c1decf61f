"""Builds the output in x's memory (out = x; out[~keep] = 0; out /= 1 - p), so the caller's x is overwritten.

Same mistake as: dropout.modifies_x_in_place
"""


def dropout_forward(x, p=0.5, train=True, rng=None):
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    keep = rng.random(x.shape) >= p
    out = x
    out[~keep] = 0.0
    if p < 1:
        out /= 1.0 - p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    return out, (True, mask)
