"""Depthwise and separable convolution with plain Python loops over every index.

The slowest correct style: output channel k reads input channel k // M, one multiply-add at a
time, so it doubles as the timing worst case.
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


def depthwise_conv2d_forward(x, w, b, stride=1, pad=0):
    if x.ndim != 4 or w.ndim != 4 or w.shape[1] != 1:
        raise ValueError("x must be (N, C, H, W) and w (C*M, 1, KH, KW)")
    N, C, H, W = x.shape
    K, _, KH, KW = w.shape
    if K == 0 or K % C != 0:
        raise ValueError(f"w must have a multiple of C = {C} filters, got {K}")
    if b.shape != (K,):
        raise ValueError(f"b must have shape ({K},), got {b.shape}")
    M = K // C
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

    out = np.zeros((N, K, Ho, Wo))
    for n in range(N):
        for k in range(K):
            c = k // M
            for i in range(Ho):
                for j in range(Wo):
                    total = b[k]
                    for p in range(KH):
                        for q in range(KW):
                            total += x_pad[n, c, i * sh + p, j * sw + q] * w[k, 0, p, q]
                    out[n, k, i, j] = total
    return out, (x_pad, w, (sh, sw), (ph, pw), x.shape)


def depthwise_conv2d_backward(dout, cache):
    x_pad, w, (sh, sw), (ph, pw), x_shape = cache
    N, C, H, W = x_shape
    K, _, KH, KW = w.shape
    M = K // C
    Ho = (H + 2 * ph - KH) // sh + 1
    Wo = (W + 2 * pw - KW) // sw + 1
    if dout.shape != (N, K, Ho, Wo):
        raise ValueError(f"dout must have shape {(N, K, Ho, Wo)}, got {dout.shape}")

    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(K)
    for n in range(N):
        for k in range(K):
            c = k // M
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, k, i, j]
                    db[k] += g
                    for p in range(KH):
                        for q in range(KW):
                            dw[k, 0, p, q] += x_pad[n, c, i * sh + p, j * sw + q] * g
                            dx_pad[n, c, i * sh + p, j * sw + q] += w[k, 0, p, q] * g
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    dx[n, c, i, j] = dx_pad[n, c, i + ph, j + pw]
    return dx, dw, db


def separable_conv2d_forward(x, w_depth, b_depth, w_point, b_point, stride=1, pad=0):
    h, depth_cache = depthwise_conv2d_forward(x, w_depth, b_depth, stride, pad)
    N, K, Ho, Wo = h.shape
    if w_point.ndim != 4 or w_point.shape[1:] != (K, 1, 1):
        raise ValueError(f"w_point must have shape (F, {K}, 1, 1), got {w_point.shape}")
    F = w_point.shape[0]
    if b_point.shape != (F,):
        raise ValueError(f"b_point must have shape ({F},), got {b_point.shape}")
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = b_point[f]
                    for k in range(K):
                        total += w_point[f, k, 0, 0] * h[n, k, i, j]
                    out[n, f, i, j] = total
    return out, (depth_cache, h, w_point)


def separable_conv2d_backward(dout, cache):
    depth_cache, h, w_point = cache
    N, K, Ho, Wo = h.shape
    F = w_point.shape[0]
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(f"dout must have shape {(N, F, Ho, Wo)}, got {dout.shape}")
    dh = np.zeros(h.shape)
    dw_point = np.zeros(w_point.shape)
    db_point = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    db_point[f] += g
                    for k in range(K):
                        dw_point[f, k, 0, 0] += h[n, k, i, j] * g
                        dh[n, k, i, j] += w_point[f, k, 0, 0] * g
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth_cache)
    return dx, dw_depth, db_depth, dw_point, db_point
