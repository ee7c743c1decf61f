"""Depthwise convolution as a batched matrix product: per-channel im2col with as_strided, dx scattered with np.add.at.

Another vectorization: the windows of channel c form a (KH*KW, Ho*Wo) matrix, and its M filters a
(M, KH*KW) one, so the whole layer is one np.matmul broadcast over the batch and the channels. The
backward scatters the window gradients back through the flat index of every window element.
The pointwise convolution is a matmul over the channels.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(value, name, minimum):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        raise ValueError(f"{name}: expected an int or a pair of ints, got {value!r}")
    if min(value) < minimum:
        raise ValueError(f"{name}: expected values >= {minimum}, got {value!r}")
    return int(value[0]), int(value[1])


def _columns(x_pad, KH, KW, sh, sw, Ho, Wo):
    """(N, C, KH*KW, Ho*Wo): the windows of every channel as columns, a copy."""
    N, C = x_pad.shape[:2]
    s = x_pad.strides
    view = as_strided(x_pad, (N, C, KH, KW, Ho, Wo), (s[0], s[1], s[2], s[3], s[2] * sh, s[3] * sw), writeable=False)
    return view.reshape(N, C, KH * KW, Ho * Wo)


def depthwise_conv2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    if x.ndim != 4:
        raise ValueError("x must be 4-D")
    if w.ndim != 4 or w.shape[1] != 1 or w.shape[0] == 0 or w.shape[0] % x.shape[1]:
        raise ValueError("w must be (C*M, 1, KH, KW)")
    if b.shape != (w.shape[0],):
        raise ValueError("b must be (C*M,)")
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    N, C, H, W = x.shape
    K, _, KH, KW = w.shape
    M = K // C
    Ho, Wo = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    if KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("the kernel does not fit in the padded input")
    x_pad = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    cols = _columns(x_pad, KH, KW, sh, sw, Ho, Wo)
    filters = w.reshape(C, M, KH * KW)
    out = np.matmul(filters, cols).reshape(N, K, Ho, Wo) + b.reshape(1, K, 1, 1)
    geometry = (x.shape, (KH, KW), (sh, sw), (ph, pw), (Ho, Wo))
    return out, (cols, filters, geometry)


def depthwise_conv2d_backward(dout, cache):
    cols, filters, ((N, C, H, W), (KH, KW), (sh, sw), (ph, pw), (Ho, Wo)) = cache
    M = filters.shape[1]
    if dout.shape != (N, C * M, Ho, Wo):
        raise ValueError("dout does not match the forward output")
    g = dout.reshape(N, C, M, Ho * Wo)
    db = dout.sum(axis=(0, 2, 3))
    dw = np.matmul(g, cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(C * M, 1, KH, KW)
    dcols = np.matmul(filters.transpose(0, 2, 1), g)  # (N, C, KH*KW, Ho*Wo)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    rows = (np.arange(KH)[:, None, None, None] + sh * np.arange(Ho)[None, None, :, None])
    cols_ = (np.arange(KW)[None, :, None, None] + sw * np.arange(Wo)[None, None, None, :])
    flat = (rows * Wp + cols_).reshape(KH * KW, Ho * Wo)  # flat index in a padded image of each window element
    dx_pad = np.zeros((N, C, Hp * Wp))
    np.add.at(dx_pad, (slice(None), slice(None), flat), dcols)
    dx = dx_pad.reshape(N, C, Hp, Wp)[:, :, ph:ph + H, pw:pw + W]
    return dx.copy(), dw, db


def separable_conv2d_forward(x, w_depth, b_depth, w_point, b_point, stride=1, pad=0):
    h, depth = depthwise_conv2d_forward(x, w_depth, b_depth, stride, pad)
    w_point, b_point = np.asarray(w_point, dtype=float), np.asarray(b_point, dtype=float)
    N, K, Ho, Wo = h.shape
    if w_point.shape[1:] != (K, 1, 1) or w_point.ndim != 4:
        raise ValueError("w_point must be (F, C*M, 1, 1)")
    if b_point.shape != w_point.shape[:1]:
        raise ValueError("b_point must be (F,)")
    P = w_point.reshape(w_point.shape[0], K)
    out = (P @ h.reshape(N, K, Ho * Wo)).reshape(N, -1, Ho, Wo) + b_point.reshape(1, -1, 1, 1)
    return out, (depth, h, P)


def separable_conv2d_backward(dout, cache):
    depth, h, P = cache
    N, K, Ho, Wo = h.shape
    if dout.shape != (N, P.shape[0], Ho, Wo):
        raise ValueError("dout does not match the forward output")
    g = dout.reshape(N, P.shape[0], Ho * Wo)
    hs = h.reshape(N, K, Ho * Wo)
    db_point = g.sum(axis=(0, 2))
    dw_point = (g @ hs.transpose(0, 2, 1)).sum(axis=0)[:, :, None, None]
    dh = (P.T @ g).reshape(N, K, Ho, Wo)
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth)
    return dx, dw_depth, db_depth, dw_point, db_point
