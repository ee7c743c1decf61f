"""Loops that read stride=None as a step of 1 (`stride or 1`), so omitting the stride gives overlapping windows.

Same mistake as: pooling.stride_defaults_to_1
"""

import numpy as np


def _setup(x, kernel_size, stride):
    x = np.asarray(x, dtype=np.float64)
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = _pair(stride or 1, "stride", 1)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D, got shape {x.shape}")
    if KH > x.shape[2] or KW > x.shape[3]:
        raise ValueError(f"kernel {(KH, KW)} larger than the input {x.shape[2:]}")
    return x, (KH, KW), (sh, sw), ((x.shape[2] - KH) // sh + 1, (x.shape[3] - KW) // sw + 1)


def max_pool2d_forward(x, kernel_size, stride=None):
    x, (KH, KW), (sh, sw), (Ho, Wo) = _setup(x, kernel_size, stride)
    N, C = x.shape[:2]
    out = np.zeros((N, C, Ho, Wo))
    where = np.zeros((N, C, Ho, Wo, 2), dtype=int)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * sh : i * sh + KH, j * sw : j * sw + KW]
                    k, l = np.unravel_index(np.argmax(window), window.shape)
                    out[n, c, i, j] = window[k, l]
                    where[n, c, i, j] = (i * sh + k, j * sw + l)
    return out, (x.shape, where)


def max_pool2d_backward(dout, cache):
    x_shape, where = cache
    dout = _check_dout(dout, where.shape[:4])
    dx = np.zeros(x_shape)
    N, C, Ho, Wo = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    r, s = where[n, c, i, j]
                    dx[n, c, r, s] += dout[n, c, i, j]
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None):
    x, (KH, KW), (sh, sw), (Ho, Wo) = _setup(x, kernel_size, stride)
    N, C = x.shape[:2]
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * sh : i * sh + KH, j * sw : j * sw + KW].mean(axis=(2, 3))
    return out, (x.shape, (KH, KW), (sh, sw))


def avg_pool2d_backward(dout, cache):
    x_shape, (KH, KW), (sh, sw) = cache
    Ho, Wo = (x_shape[2] - KH) // sh + 1, (x_shape[3] - KW) // sw + 1
    dout = _check_dout(dout, x_shape[:2] + (Ho, Wo))
    dx = np.zeros(x_shape)
    for i in range(Ho):
        for j in range(Wo):
            dx[:, :, i * sh : i * sh + KH, j * sw : j * sw + KW] += dout[:, :, i, j][:, :, None, None] / (KH * KW)
    return dx
