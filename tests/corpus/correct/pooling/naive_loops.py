"""Max and average pooling with plain Python loops over every index; the first maximum is found with a strict > scan.

The slowest correct style, and the timing worst case.
"""

import numpy as np


def _two_ints(value, name):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair")
        a, b = value
    else:
        a, b = value, value
    for v in (a, b):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must hold ints, got {value!r}")
        if v <= 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    return int(a), int(b)


def _setup(x, kernel_size, stride):
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D, got {x.ndim}-D")
    kh, kw = _two_ints(kernel_size, "kernel_size")
    sh, sw = (kh, kw) if stride is None else _two_ints(stride, "stride")
    N, C, H, W = x.shape
    if kh > H or kw > W:
        raise ValueError("kernel_size is larger than the input")
    return kh, kw, sh, sw, (H - kh) // sh + 1, (W - kw) // sw + 1


def max_pool2d_forward(x, kernel_size, stride=None):
    kh, kw, sh, sw, Ho, Wo = _setup(x, kernel_size, stride)
    N, C, H, W = x.shape
    out = np.zeros((N, C, Ho, Wo))
    where = np.zeros((N, C, Ho, Wo, 2), dtype=int)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best, bi, bj = None, -1, -1
                    for k in range(kh):
                        for l in range(kw):
                            v = x[n, c, i * sh + k, j * sw + l]
                            if best is None or v > best:
                                best, bi, bj = v, i * sh + k, j * sw + l
                    out[n, c, i, j] = best
                    where[n, c, i, j] = (bi, bj)
    return out, (x.shape, where)


def max_pool2d_backward(dout, cache):
    x_shape, where = cache
    if dout.shape != where.shape[:4]:
        raise ValueError(f"dout must have shape {where.shape[:4]}, got {dout.shape}")
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    bi, bj = where[n, c, i, j]
                    dx[n, c, bi, bj] += dout[n, c, i, j]
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None):
    kh, kw, sh, sw, Ho, Wo = _setup(x, kernel_size, stride)
    N, C, H, W = x.shape
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    total = 0.0
                    for k in range(kh):
                        for l in range(kw):
                            total += x[n, c, i * sh + k, j * sw + l]
                    out[n, c, i, j] = total / (kh * kw)
    return out, (x.shape, kh, kw, sh, sw)


def avg_pool2d_backward(dout, cache):
    x_shape, kh, kw, sh, sw = cache
    N, C, H, W = x_shape
    Ho, Wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    if dout.shape != (N, C, Ho, Wo):
        raise ValueError(f"dout must have shape {(N, C, Ho, Wo)}, got {dout.shape}")
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    for k in range(kh):
                        for l in range(kw):
                            dx[n, c, i * sh + k, j * sw + l] += dout[n, c, i, j] / (kh * kw)
    return dx
