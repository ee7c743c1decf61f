"""Inverted dropout with a binomial keep mask, small helper functions and a dict cache."""

import numpy as np


def _validate_p(p):
    if not (0 <= p <= 1):
        raise ValueError(f"p must be in [0, 1], got {p}")


def _keep_mask(shape, p, rng):
    """A float mask: 1/(1-p) where a unit is kept, 0 where it is dropped."""
    if p == 1:
        return np.zeros(shape)
    keep = rng.binomial(1, 1 - p, size=shape)
    return keep.astype(np.float64) / (1 - p)


def dropout_forward(x, p=0.5, train=True, rng=None):
    _validate_p(p)
    if rng is None:
        rng = np.random.default_rng()
    if not train:
        return np.array(x, dtype=np.float64, copy=True), {"mode": "eval"}
    mask = _keep_mask(x.shape, p, rng)
    return x * mask, {"mode": "train", "mask": mask}


def dropout_backward(dout, cache):
    if cache["mode"] == "eval":
        return dout.copy()
    return dout * cache["mask"]
