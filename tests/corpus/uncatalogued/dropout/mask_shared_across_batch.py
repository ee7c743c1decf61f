"""dropout_forward draws one mask row and shares it across the batch: every example drops the same units.

``rng.random(x.shape[1:])`` broadcast over the first axis: the right fraction is dropped on
average and the kept units are scaled by 1/(1-p), but the draws are not independent per element,
so the fraction dropped varies far more than chance allows and a 1-D input keeps or drops all.
"""


def dropout_forward(x, p=0.5, train=True, rng=None):
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    keep = rng.random(x.shape[1:]) >= p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape[1:])
    out = x * mask
    return out, (True, np.broadcast_to(mask, x.shape))
