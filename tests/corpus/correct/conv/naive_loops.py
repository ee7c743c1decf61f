"""Convolution with plain Python loops over every index (batch, filter, output row and column, channel, kernel row and column).

The slowest correct style: no vectorization at all, so it doubles as the timing worst case.
"""

import numpy as np


def _as_pair(value, name, minimum):
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if isinstance(value, (int, np.integer)):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value[0]), int(value[1])


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlation of x (N, C, H, W) with w (F, C, KH, KW) plus b (F,); returns (out, cache)."""
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError("x and w must be 4-D")
    N, C, H, W = x.shape
    F, C2, KH, KW = w.shape
    if C != C2:
        raise ValueError(f"x has {C} channels but w has {C2}")
    if b.shape != (F,):
        raise ValueError(f"b must have shape ({F},), got {b.shape}")
    sh, sw = _as_pair(stride, "stride", 1)
    ph, pw = _as_pair(pad, "pad", 0)
    if KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("the kernel is larger than the padded input")
    Ho = (H + 2 * ph - KH) // sh + 1
    Wo = (W + 2 * pw - KW) // sw + 1

    x_pad = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    x_pad[n, c, i + ph, j + pw] = x[n, c, i, j]

    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = b[f]
                    for c in range(C):
                        for k in range(KH):
                            for l in range(KW):
                                total += x_pad[n, c, i * sh + k, j * sw + l] * w[f, c, k, l]
                    out[n, f, i, j] = total
    cache = (x_pad, w, (sh, sw), (ph, pw), x.shape)
    return out, cache


def conv2d_backward(dout, cache):
    """Gradients (dx, dw, db) of conv2d_forward."""
    x_pad, w, (sh, sw), (ph, pw), x_shape = cache
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    Ho = (H + 2 * ph - KH) // sh + 1
    Wo = (W + 2 * pw - KW) // sw + 1
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(f"dout must have shape {(N, F, Ho, Wo)}, got {dout.shape}")

    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for c in range(C):
                        for k in range(KH):
                            for l in range(KW):
                                dw[f, c, k, l] += x_pad[n, c, i * sh + k, j * sw + l] * g
                                dx_pad[n, c, i * sh + k, j * sw + l] += w[f, c, k, l] * g
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    dx[n, c, i, j] = dx_pad[n, c, i + ph, j + pw]
    return dx, dw, db
