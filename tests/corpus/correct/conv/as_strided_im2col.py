"""Convolution as one matrix product over an explicit im2col matrix built with as_strided; col2im with np.add.at.

Structured as small functions; the matrix has one ROW per window (N*Ho*Wo, C*KH*KW), the transpose
of the usual layout, and the backward returns a list [dx, dw, db].
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def check_pair(value, name, smallest):
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value, value]
    if len(items) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in items):
        raise ValueError(f"{name}: expected an int or two ints, got {value!r}")
    if items[0] < smallest or items[1] < smallest:
        raise ValueError(f"{name}: values must be >= {smallest}, got {value!r}")
    return int(items[0]), int(items[1])


def window_rows(x_pad, KH, KW, sh, sw):
    """(N*Ho*Wo, C*KH*KW): one row per window, the window's values in (c, k, l) order."""
    N, C, Hp, Wp = x_pad.shape
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    x_pad = np.ascontiguousarray(x_pad)
    sN, sC, sH, sW = x_pad.strides
    view = as_strided(x_pad, shape=(N, Ho, Wo, C, KH, KW),
                      strides=(sN, sH * sh, sW * sw, sC, sH, sW), writeable=False)
    return view.reshape(N * Ho * Wo, C * KH * KW), Ho, Wo


def window_indices(x_pad_shape, KH, KW, sh, sw):
    """Flat index into x_pad of every entry of window_rows, same layout."""
    index = np.arange(int(np.prod(x_pad_shape)), dtype=np.int64).reshape(x_pad_shape)
    rows, _, _ = window_rows(index, KH, KW, sh, sw)
    return rows


def conv2d_forward(x, w, b, stride=1, pad=0):
    if len(x.shape) != 4:
        raise ValueError("x must be 4-D")
    if len(w.shape) != 4:
        raise ValueError("w must be 4-D")
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if Cw != C:
        raise ValueError("channel mismatch between x and w")
    if b.shape != (F,):
        raise ValueError("b must be (F,)")
    sh, sw = check_pair(stride, "stride", 1)
    ph, pw = check_pair(pad, "pad", 0)
    if KH > H + 2 * ph or KW > W + 2 * pw:
        raise ValueError("kernel does not fit in the padded input")
    x_pad = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)], mode="constant")
    rows, Ho, Wo = window_rows(x_pad, KH, KW, sh, sw)
    out = rows @ w.reshape(F, -1).T + b  # (N*Ho*Wo, F)
    out = out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
    cache = [rows, x_pad.shape, w, (sh, sw), (ph, pw)]
    return out, cache


def conv2d_backward(dout, cache):
    rows, x_pad_shape, w, (sh, sw), (ph, pw) = cache
    N, C, Hp, Wp = x_pad_shape
    F, _, KH, KW = w.shape
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError("dout has the wrong shape")
    d = dout.transpose(0, 2, 3, 1).reshape(N * Ho * Wo, F)
    db = d.sum(axis=0)
    dw = (d.T @ rows).reshape(w.shape)
    drows = d @ w.reshape(F, -1)  # (N*Ho*Wo, C*KH*KW)
    dx_pad = np.zeros(N * C * Hp * Wp)
    np.add.at(dx_pad, window_indices(x_pad_shape, KH, KW, sh, sw).ravel(), drows.ravel())
    dx = dx_pad.reshape(x_pad_shape)[:, :, ph : Hp - ph, pw : Wp - pw]
    return [np.ascontiguousarray(dx), dw, db]
