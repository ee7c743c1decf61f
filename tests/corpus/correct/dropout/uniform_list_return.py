"""Inverted dropout drawing uniforms and keeping those above p; returns [out, cache] as a list."""

import numpy as np


def dropout_forward(x, p=0.5, train=True, rng=None):
    if p < 0 or p > 1:
        raise ValueError("dropout probability p must lie in [0, 1]")
    rng = np.random.default_rng() if rng is None else rng
    if train:
        u = rng.uniform(size=x.shape)
        kept = u > p
        scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
        out = np.where(kept, x * scale, 0.0)
        return [out, [kept, scale]]
    return [x + 0.0, None]


def dropout_backward(dout, cache):
    if cache is None:
        return dout + 0.0
    kept, scale = cache
    return np.where(kept, dout * scale, 0.0)
