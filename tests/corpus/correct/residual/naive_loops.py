"""Correct residual block written with naive Python loops over every index, its own convolution included.

No vectorization beyond the sum over one window: the slowest reasonable submission, used to
measure the grading time.
"""

import numpy as np


def _stride_pair(stride):
    if isinstance(stride, (tuple, list)):
        sh, sw = stride
    else:
        sh = sw = stride
    if sh <= 0 or sw <= 0:
        raise ValueError("stride must be positive")
    return sh, sw


def _conv_forward(x, w, b, sh, sw, pad):
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if C != Cw or b.shape != (F,):
        raise ValueError("shapes do not fit")
    Hp, Wp = H + 2 * pad, W + 2 * pad
    if KH > Hp or KW > Wp:
        raise ValueError("kernel larger than the padded input")
    xp = np.zeros((N, C, Hp, Wp))
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    xp[n, c, i + pad, j + pad] = x[n, c, i, j]
    Ho = (Hp - KH) // sh + 1
    Wo = (Wp - KW) // sw + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (xp, w, sh, sw, pad, x.shape)


def _conv_backward(dout, cache):
    xp, w, sh, sw, pad, x_shape = cache
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    _, _, Ho, Wo = dout.shape
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    db[f] += g
                    dw[f] += g * xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    dxp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW] += g * w[f]
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    dx[n, c, i, j] = dxp[n, c, i + pad, j + pad]
    return dx, dw, db


def _relu(a):
    out = np.zeros(a.shape)
    for idx in np.ndindex(a.shape):
        if a[idx] > 0:
            out[idx] = a[idx]
    return out


def _relu_back(d, a):
    out = np.zeros(a.shape)
    for idx in np.ndindex(a.shape):
        if a[idx] > 0:
            out[idx] = d[idx]
    return out


def residual_block_forward(x, params, stride=1):
    sh, sw = _stride_pair(stride)
    N, C, H, W = x.shape
    F = params["W1"].shape[0]
    if params["W1"].shape != (F, C, 3, 3) or params["b1"].shape != (F,):
        raise ValueError("W1 must be (F, C, 3, 3) and b1 (F,)")
    if params["W2"].shape != (F, F, 3, 3) or params["b2"].shape != (F,):
        raise ValueError("W2 must be (F, F, 3, 3) and b2 (F,)")
    has_proj = "Ws" in params
    if has_proj:
        if params["Ws"].shape != (F, C, 1, 1) or params["bs"].shape != (F,):
            raise ValueError("Ws must be (F, C, 1, 1) and bs (F,)")
    elif sh != 1 or sw != 1 or C != F:
        raise ValueError("without Ws the block needs stride 1 and C == F")

    a1, cache1 = _conv_forward(x, params["W1"], params["b1"], sh, sw, 1)
    h = _relu(a1)
    z, cache2 = _conv_forward(h, params["W2"], params["b2"], 1, 1, 1)
    if has_proj:
        s, cache_s = _conv_forward(x, params["Ws"], params["bs"], sh, sw, 0)
    else:
        s, cache_s = x, None
    a2 = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        a2[idx] = z[idx] + s[idx]
    out = _relu(a2)
    return out, (a1, a2, cache1, cache2, cache_s)


def residual_block_backward(dout, cache):
    a1, a2, cache1, cache2, cache_s = cache
    da2 = _relu_back(dout, a2)
    dh, dW2, db2 = _conv_backward(da2, cache2)
    dx, dW1, db1 = _conv_backward(_relu_back(dh, a1), cache1)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if cache_s is None:
        for idx in np.ndindex(dx.shape):
            dx[idx] += da2[idx]
    else:
        dxs, dWs, dbs = _conv_backward(da2, cache_s)
        for idx in np.ndindex(dx.shape):
            dx[idx] += dxs[idx]
        grads["Ws"] = dWs
        grads["bs"] = dbs
    return dx, grads
