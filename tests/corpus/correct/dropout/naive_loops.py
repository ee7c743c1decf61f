"""Inverted dropout with an explicit Python loop over every element, one rng.random() draw each."""

import numpy as np


def dropout_forward(x, p=0.5, train=True, rng=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be between 0 and 1")
    if rng is None:
        rng = np.random.default_rng()
    out = np.zeros(x.shape)
    if not train:
        for index in np.ndindex(x.shape):
            out[index] = x[index]
        return out, (train, None)
    mask = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        if rng.random() < p:
            mask[index] = 0.0
        else:
            mask[index] = 1.0 / (1.0 - p)
        out[index] = x[index] * mask[index]
    return out, (train, mask)


def dropout_backward(dout, cache):
    train, mask = cache
    dx = np.zeros(dout.shape)
    for index in np.ndindex(dout.shape):
        dx[index] = dout[index] * mask[index] if train else dout[index]
    return dx
