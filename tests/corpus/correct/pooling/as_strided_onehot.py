"""Pooling on an as_strided window view; max pooling keeps a one-hot mask of each window's first maximum.

Forward functions return lists [out, cache]; the backward scatters mask * dout back one kernel
offset at a time, so overlapping windows add up.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(value, name):
    pair = list(value) if isinstance(value, (list, tuple)) else [value, value]
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints")
    if min(pair) < 1:
        raise ValueError(f"{name} must be positive")
    return int(pair[0]), int(pair[1])


def _windows(x, kernel_size, stride):
    """(N, C, Ho, Wo, KH, KW) read-only view of every window, and (KH, KW), (sh, sw)."""
    if np.ndim(x) != 4:
        raise ValueError("x must have shape (N, C, H, W)")
    KH, KW = _pair(kernel_size, "kernel_size")
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride")
    N, C, H, W = x.shape
    if KH > H or KW > W:
        raise ValueError("the kernel does not fit in the input")
    Ho, Wo = (H - KH) // sh + 1, (W - KW) // sw + 1
    s = x.strides
    view = as_strided(x, (N, C, Ho, Wo, KH, KW), (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]),
                      writeable=False)
    return view, (KH, KW), (sh, sw)


def _scatter(per_offset, x_shape, stride):
    """Add per_offset[n, c, i, j, k, l] onto x[n, c, i*sh + k, j*sw + l]."""
    N, C, Ho, Wo, KH, KW = per_offset.shape
    sh, sw = stride
    dx = np.zeros(x_shape)
    for k in range(KH):
        for l in range(KW):
            dx[:, :, k:k + sh * Ho:sh, l:l + sw * Wo:sw] += per_offset[..., k, l]
    return dx


def max_pool2d_forward(x, kernel_size, stride=None):
    view, (KH, KW), stride = _windows(x, kernel_size, stride)
    flat = view.reshape(view.shape[:4] + (KH * KW,))
    first = flat.argmax(axis=-1)
    onehot = (np.arange(KH * KW) == first[..., None]).reshape(view.shape)
    out = flat.max(axis=-1)
    return [out, [onehot, x.shape, stride]]


def max_pool2d_backward(dout, cache):
    onehot, x_shape, stride = cache
    if np.shape(dout) != onehot.shape[:4]:
        raise ValueError("dout must have the shape of the pooled output")
    return _scatter(onehot * dout[..., None, None], x_shape, stride)


def avg_pool2d_forward(x, kernel_size, stride=None):
    view, kernel, stride = _windows(x, kernel_size, stride)
    return [view.mean(axis=(-2, -1)), [view.shape, x.shape, stride]]


def avg_pool2d_backward(dout, cache):
    view_shape, x_shape, stride = cache
    if np.shape(dout) != view_shape[:4]:
        raise ValueError("dout must have the shape of the pooled output")
    KH, KW = view_shape[4:]
    share = np.broadcast_to((dout / (KH * KW))[..., None, None], view_shape)
    return _scatter(share, x_shape, stride)
