"""Inverted dropout with rng.choice over the two mask values, organised around a small class."""

import numpy as np


class _Dropout:
    def __init__(self, p, rng):
        if not 0 <= p <= 1:
            raise ValueError("p must be in [0, 1] (probability of dropping a unit)")
        self.p = float(p)
        self.rng = np.random.default_rng() if rng is None else rng
        self.mask = None

    def forward(self, x, train):
        if not train:
            return np.copy(x)
        keep_value = 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)
        self.mask = self.rng.choice(np.array([0.0, keep_value]), size=x.shape, p=[self.p, 1.0 - self.p])
        return x * self.mask

    def backward(self, dout):
        return np.copy(dout) if self.mask is None else dout * self.mask


def dropout_forward(x, p=0.5, train=True, rng=None):
    layer = _Dropout(p, rng)
    return layer.forward(x, train), layer


def dropout_backward(dout, cache):
    return cache.backward(dout)
