"""Depthwise convolution as C*M single-channel correlations: x's channels repeated M times, then one step per kernel offset.

Another vectorization: np.repeat lays the input channels out as the output channels are
(channel c at c*M ... c*M + M - 1), so output channel k is just repeated channel k times w[k];
dx sums the repeated channels' gradients back in groups of M. The pointwise convolution is a
tensordot over the channels.
"""

import numpy as np


def _pair(value, name, minimum):
    ok = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)
    pair = (value, value) if ok(value) else tuple(value) if isinstance(value, (tuple, list)) else None
    if pair is None or len(pair) != 2 or not all(ok(v) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _offsets(KH, KW, stride, Ho, Wo):
    """(p, q, index) for every kernel offset: index picks element (p, q) of every window."""
    sh, sw = stride
    for p in range(KH):
        for q in range(KW):
            yield p, q, (Ellipsis, slice(p, p + sh * Ho, sh), slice(q, q + sw * Wo, sw))


def depthwise_conv2d_forward(x, w, b, stride=1, pad=0):
    if np.ndim(x) != 4 or np.ndim(w) != 4 or w.shape[1] != 1:
        raise ValueError("x must be (N, C, H, W) and w (C*M, 1, KH, KW)")
    C, K = x.shape[1], w.shape[0]
    if K < C or K % C:
        raise ValueError("w must hold M >= 1 filters for every channel of x")
    if np.shape(b) != (K,):
        raise ValueError("b must have one entry per filter")
    M, (KH, KW) = K // C, w.shape[2:]
    stride, (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    x_rep = np.pad(np.repeat(x, M, axis=1), ((0, 0), (0, 0), (ph, ph), (pw, pw)))  # (N, C*M, Hp, Wp)
    Hp, Wp = x_rep.shape[2:]
    if KH > Hp or KW > Wp:
        raise ValueError("kernel larger than the padded input")
    Ho, Wo = (Hp - KH) // stride[0] + 1, (Wp - KW) // stride[1] + 1
    out = np.zeros((x.shape[0], K, Ho, Wo)) + b[:, None, None]
    for p, q, index in _offsets(KH, KW, stride, Ho, Wo):
        out += x_rep[index] * w[:, 0, p, q][:, None, None]
    return out, {"x_rep": x_rep, "w": w, "stride": stride, "pad": (ph, pw), "M": M}


def depthwise_conv2d_backward(dout, cache):
    x_rep, w, stride, (ph, pw), M = cache["x_rep"], cache["w"], cache["stride"], cache["pad"], cache["M"]
    N, K, Hp, Wp = x_rep.shape
    KH, KW = w.shape[2:]
    Ho, Wo = (Hp - KH) // stride[0] + 1, (Wp - KW) // stride[1] + 1
    if dout.shape != (N, K, Ho, Wo):
        raise ValueError("dout does not have the shape of the forward output")
    db = dout.sum(axis=(0, 2, 3))
    dw = np.zeros(w.shape)
    dx_rep = np.zeros(x_rep.shape)
    for p, q, index in _offsets(KH, KW, stride, Ho, Wo):
        dw[:, 0, p, q] = np.einsum("nkij,nkij->k", x_rep[index], dout)
        dx_rep[index] += dout * w[:, 0, p, q][:, None, None]
    dx_rep = dx_rep[:, :, ph:Hp - ph, pw:Wp - pw]
    dx = dx_rep.reshape(N, K // M, M, *dx_rep.shape[2:]).sum(axis=2)
    return dx, dw, db


def separable_conv2d_forward(x, w_depth, b_depth, w_point, b_point, stride=1, pad=0):
    h, depth = depthwise_conv2d_forward(x, w_depth, b_depth, stride, pad)
    if np.ndim(w_point) != 4 or w_point.shape[1:] != (h.shape[1], 1, 1):
        raise ValueError("w_point must be (F, C*M, 1, 1)")
    if np.shape(b_point) != (w_point.shape[0],):
        raise ValueError("b_point must be (F,)")
    out = np.tensordot(h, w_point[:, :, 0, 0], axes=([1], [1])).transpose(0, 3, 1, 2) + b_point[:, None, None]
    return out, {"depth": depth, "h": h, "w_point": w_point}


def separable_conv2d_backward(dout, cache):
    h, w_point = cache["h"], cache["w_point"]
    if dout.shape != (h.shape[0], w_point.shape[0]) + h.shape[2:]:
        raise ValueError("dout does not have the shape of the forward output")
    db_point = dout.sum(axis=(0, 2, 3))
    dw_point = np.tensordot(dout, h, axes=([0, 2, 3], [0, 2, 3]))[:, :, None, None]
    dh = np.tensordot(dout, w_point[:, :, 0, 0], axes=([1], [0])).transpose(0, 3, 1, 2)
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, cache["depth"])
    return dx, dw_depth, db_depth, dw_point, db_point
