"""Correct residual block that brings its own private convolution instead of importing from .conv.

The convolution is vectorized with ``as_strided`` windows and ``einsum``; the backward scatters
the window gradients with one ``np.add.at`` per kernel offset. Only numpy is used.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(v):
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"stride must be an int or a pair, got {v!r}")
        a, b = int(v[0]), int(v[1])
    else:
        a = b = int(v)
    if a < 1 or b < 1:
        raise ValueError(f"stride must be positive, got {v!r}")
    return a, b


def _windows(xp, kh, kw, sh, sw):
    """(N, C, Ho, Wo, KH, KW) view of the padded input."""
    n, c, hp, wp = xp.shape
    ho, wo = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    s0, s1, s2, s3 = xp.strides
    return as_strided(xp, (n, c, ho, wo, kh, kw), (s0, s1, s2 * sh, s3 * sw, s2, s3), writeable=False)


def _conv_fwd(x, w, b, stride, pad):
    if x.shape[1] != w.shape[1] or b.shape != (w.shape[0],):
        raise ValueError(f"conv: x {x.shape}, w {w.shape}, b {b.shape} do not fit together")
    sh, sw = stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    kh, kw = w.shape[2:]
    if kh > xp.shape[2] or kw > xp.shape[3]:
        raise ValueError("conv: kernel larger than the padded input")
    win = _windows(np.ascontiguousarray(xp), kh, kw, sh, sw)
    out = np.einsum("nchwkl,fckl->nfhw", win, w) + b[None, :, None, None]
    return out, (x, w, stride, pad)


def _conv_bwd(dout, cache):
    x, w, (sh, sw), pad = cache
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))))
    kh, kw = w.shape[2:]
    win = _windows(xp, kh, kw, sh, sw)
    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nchwkl,nfhw->fckl", win, dout)
    dwin = np.einsum("nfhw,fckl->nchwkl", dout, w)
    dxp = np.zeros_like(xp)
    ho, wo = dout.shape[2:]
    for k in range(kh):
        for l in range(kw):
            dxp[:, :, k:k + sh * ho:sh, l:l + sw * wo:sw] += dwin[:, :, :, :, k, l]
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, db


def residual_block_forward(x, params, stride=1):
    """Forward pass of the basic residual block (see the contract)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got {x.shape}")
    st = _pair(stride)
    p = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    C = x.shape[1]
    F = p["W1"].shape[0]
    want = {"W1": (F, C, 3, 3), "b1": (F,), "W2": (F, F, 3, 3), "b2": (F,), "Ws": (F, C, 1, 1), "bs": (F,)}
    for k, v in p.items():
        if k not in want or v.shape != want[k]:
            raise ValueError(f"params[{k!r}] has shape {v.shape}, expected {want.get(k)}")
    projection = "Ws" in p
    if projection != ("bs" in p):
        raise ValueError("Ws and bs go together")
    if not projection and (st != (1, 1) or C != F):
        raise ValueError("identity shortcut needs stride 1 and C == F")

    a1, c1 = _conv_fwd(x, p["W1"], p["b1"], st, 1)
    h = np.where(a1 > 0, a1, 0.0)
    z, c2 = _conv_fwd(h, p["W2"], p["b2"], (1, 1), 1)
    if projection:
        s, cs = _conv_fwd(x, p["Ws"], p["bs"], st, 0)
    else:
        s, cs = x, None
    a2 = z + s
    return np.where(a2 > 0, a2, 0.0), (c1, c2, cs, a1 > 0, a2 > 0)


def residual_block_backward(dout, cache):
    """Backward pass of the basic residual block."""
    c1, c2, cs, m1, m2 = cache
    da2 = dout * m2
    dh, dW2, db2 = _conv_bwd(da2, c2)
    dx, dW1, db1 = _conv_bwd(dh * m1, c1)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if cs is None:
        dx = dx + da2
    else:
        dxs, grads["Ws"], grads["bs"] = _conv_bwd(da2, cs)
        dx = dx + dxs
    return dx, grads
