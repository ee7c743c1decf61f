"""Pooling as a gather through an explicit index matrix (one row per window) and a scatter with np.bincount.

A class-free functional style: one helper plans every window's flat indices into x; both layers
share it, and the caches are dicts.
"""

from __future__ import annotations

import numpy as np


def plan(x_shape, kernel_size, stride):
    """Validate the arguments; return the (N*C*Ho*Wo, KH*KW) index matrix and the output shape."""
    if len(x_shape) != 4:
        raise ValueError("expected x of shape (N, C, H, W)")

    def pair(v, what):
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            v = (v, v)
        if (not isinstance(v, (tuple, list)) or len(v) != 2
                or not all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) for e in v)):
            raise ValueError(f"{what}: an int or a pair of ints is expected")
        if v[0] <= 0 or v[1] <= 0:
            raise ValueError(f"{what} must be positive")
        return int(v[0]), int(v[1])

    KH, KW = pair(kernel_size, "kernel_size")
    SH, SW = pair(kernel_size if stride is None else stride, "stride")
    N, C, H, W = x_shape
    if KH > H or KW > W:
        raise ValueError(f"kernel {(KH, KW)} larger than input {(H, W)}")
    Ho, Wo = 1 + (H - KH) // SH, 1 + (W - KW) // SW
    top = (np.arange(Ho) * SH)[:, None, None, None]
    left = (np.arange(Wo) * SW)[None, :, None, None]
    dr = np.arange(KH)[None, None, :, None]
    dc = np.arange(KW)[None, None, None, :]
    within = ((top + dr) * W + (left + dc)).reshape(Ho * Wo, KH * KW)  # one channel image
    base = (np.arange(N * C) * H * W)[:, None, None]
    index = (base + within[None]).reshape(-1, KH * KW)
    return index, (N, C, Ho, Wo)


def max_pool2d_forward(x, kernel_size, stride=None):
    index, out_shape = plan(x.shape, kernel_size, stride)
    gathered = x.reshape(-1)[index]
    pick = np.argmax(gathered, axis=1)  # first maximum of each row (row-major window order)
    chosen = index[np.arange(index.shape[0]), pick]
    out = gathered[np.arange(index.shape[0]), pick].reshape(out_shape)
    return out, {"chosen": chosen, "x_shape": x.shape, "out_shape": out_shape}


def max_pool2d_backward(dout, cache):
    if tuple(dout.shape) != cache["out_shape"]:
        raise ValueError("dout shape does not match the forward output")
    size = int(np.prod(cache["x_shape"]))
    dx = np.bincount(cache["chosen"], weights=dout.reshape(-1), minlength=size)
    return dx.reshape(cache["x_shape"])


def avg_pool2d_forward(x, kernel_size, stride=None):
    index, out_shape = plan(x.shape, kernel_size, stride)
    out = x.reshape(-1)[index].mean(axis=1).reshape(out_shape)
    return out, {"index": index, "x_shape": x.shape, "out_shape": out_shape}


def avg_pool2d_backward(dout, cache):
    if tuple(dout.shape) != cache["out_shape"]:
        raise ValueError("dout shape does not match the forward output")
    index = cache["index"]
    weights = np.repeat(dout.reshape(-1, 1) / index.shape[1], index.shape[1], axis=1)
    dx = np.bincount(index.ravel(), weights=weights.ravel(), minlength=int(np.prod(cache["x_shape"])))
    return dx.reshape(cache["x_shape"])
