"""Convolution with sliding_window_view and einsum; dx as the full correlation of the dilated dout with the flipped kernel.

Another vectorization: no im2col matrix, no scatter loop. The input gradient is computed the way
it is usually derived on paper: insert stride-1 zeros between the dout entries, pad by the kernel
size minus one and correlate with the kernel rotated by 180 degrees.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(value, name, minimum):
    ok = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)
    pair = (value, value) if ok(value) else tuple(value) if isinstance(value, (tuple, list)) else None
    if pair is None or len(pair) != 2 or not all(ok(v) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv2d_forward(x, w, b, stride=1, pad=0):
    if np.ndim(x) != 4 or np.ndim(w) != 4:
        raise ValueError("x must be (N, C, H, W) and w (F, C, KH, KW)")
    if x.shape[1] != w.shape[1]:
        raise ValueError("x and w disagree on the number of channels")
    if np.shape(b) != (w.shape[0],):
        raise ValueError("b must have one entry per filter")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(pad, "pad", 0)
    KH, KW = w.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    if KH > x_pad.shape[2] or KW > x_pad.shape[3]:
        raise ValueError("kernel larger than the padded input")
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("ncijkl,fckl->nfij", windows, w, optimize=True) + b[None, :, None, None]
    return out, {"x_pad": x_pad, "w": w, "stride": (sh, sw), "pad": (ph, pw)}


def conv2d_backward(dout, cache):
    x_pad, w = cache["x_pad"], cache["w"]
    (sh, sw), (ph, pw) = cache["stride"], cache["pad"]
    N, C, Hp, Wp = x_pad.shape
    F, _, KH, KW = w.shape
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError("dout does not have the shape of the forward output")

    db = np.einsum("nfij->f", dout)
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    dw = np.einsum("nfij,ncijkl->fckl", dout, windows, optimize=True)

    dilated = np.zeros((N, F, (Ho - 1) * sh + 1, (Wo - 1) * sw + 1))
    dilated[:, :, ::sh, ::sw] = dout
    dilated = np.pad(dilated, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    rotated = w[:, :, ::-1, ::-1]
    reached = np.einsum("nfyxkl,fckl->ncyx", sliding_window_view(dilated, (KH, KW), axis=(2, 3)), rotated,
                        optimize=True)
    dx_pad = np.zeros((N, C, Hp, Wp))
    dx_pad[:, :, : reached.shape[2], : reached.shape[3]] = reached  # rows no window reaches stay 0
    return dx_pad[:, :, ph : Hp - ph, pw : Wp - pw].copy(), dw, db
