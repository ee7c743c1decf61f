"""Dropout that drops exactly round(p * size) units chosen by a random permutation, scaled by 1/(1-p)."""

import numpy as np


def dropout_forward(x, p=0.5, train=True, rng=None):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout: p={p} is not a probability")
    if rng is None:
        rng = np.random.default_rng()
    if not train:
        return x.copy(), ("eval",)
    size = x.size
    n_drop = int(round(p * size))
    dropped = rng.permutation(size)[:n_drop]
    flat = np.full(size, 0.0 if p == 1.0 else 1.0 / (1.0 - p))
    flat[dropped] = 0.0
    mask = flat.reshape(x.shape)
    return x * mask, ("train", mask)


def dropout_backward(dout, cache):
    if cache[0] == "eval":
        return dout.copy()
    return dout * cache[1]
