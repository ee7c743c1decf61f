"""A correct LSTM written with plain Python loops over every index (no matrix products).

Every pre-activation entry is a sum over the inputs and the previous hidden units; every
gradient entry is accumulated one product at a time.
"""

import math

import numpy as np


def _sig(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def _check(where, x, h, Wx, Wh, b, hname):
    if Wx.ndim != 2 or Wh.ndim != 2 or b.ndim != 1 or h.ndim != 2:
        raise ValueError(f"{where}: Wx, Wh and {hname} must be 2-D, b 1-D")
    H = Wh.shape[0]
    if Wh.shape[1] != 4 * H:
        raise ValueError(f"{where}: Wh must be (H, 4H), got {Wh.shape}")
    if Wx.shape != (x.shape[-1], 4 * H):
        raise ValueError(f"{where}: Wx must be (D, 4H) = {(x.shape[-1], 4 * H)}, got {Wx.shape}")
    if b.shape != (4 * H,):
        raise ValueError(f"{where}: b must be (4H,), got {b.shape}")
    if h.shape != (x.shape[0], H):
        raise ValueError(f"{where}: {hname} must be (N, H) = {(x.shape[0], H)}, got {h.shape}")
    return H


def _preact(x, h_prev, Wx, Wh, b):
    N, D = x.shape
    H = Wh.shape[0]
    a = np.zeros((N, 4 * H))
    for n in range(N):
        for j in range(4 * H):
            s = b[j]
            for d in range(D):
                s += x[n, d] * Wx[d, j]
            for k in range(H):
                s += h_prev[n, k] * Wh[k, j]
            a[n, j] = s
    return a


def _gates(a, H):
    N = a.shape[0]
    i, f, g, o = (np.zeros((N, H)) for _ in range(4))
    for n in range(N):
        for k in range(H):
            i[n, k] = _sig(a[n, k])
            f[n, k] = _sig(a[n, H + k])
            g[n, k] = math.tanh(a[n, 2 * H + k])
            o[n, k] = _sig(a[n, 3 * H + k])
    return i, f, g, o


def lstm_gates(x, h_prev, Wx, Wh, b):
    if x.ndim != 2:
        raise ValueError("lstm_gates: x must be (N, D)")
    H = _check("lstm_gates", x, h_prev, Wx, Wh, b, "h_prev")
    return _gates(_preact(x, h_prev, Wx, Wh, b), H)


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    if x.ndim != 2:
        raise ValueError("lstm_step_forward: x must be (N, D)")
    H = _check("lstm_step_forward", x, h_prev, Wx, Wh, b, "h_prev")
    if c_prev.shape != h_prev.shape:
        raise ValueError(f"lstm_step_forward: c_prev must have shape {h_prev.shape}, got {c_prev.shape}")
    i, f, g, o = _gates(_preact(x, h_prev, Wx, Wh, b), H)
    N = x.shape[0]
    c_next = np.zeros((N, H))
    h_next = np.zeros((N, H))
    for n in range(N):
        for k in range(H):
            c_next[n, k] = f[n, k] * c_prev[n, k] + i[n, k] * g[n, k]
            h_next[n, k] = o[n, k] * math.tanh(c_next[n, k])
    cache = (x.copy(), h_prev.copy(), c_prev.copy(), Wx.copy(), Wh.copy(), i, f, g, o, c_next.copy())
    return h_next, c_next, cache


def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
    if dh_next.shape != c_next.shape or dc_next.shape != c_next.shape:
        raise ValueError("lstm_step_backward: dh_next and dc_next must have shape (N, H)")
    N, D = x.shape
    H = Wh.shape[0]
    da = np.zeros((N, 4 * H))
    dc_prev = np.zeros((N, H))
    for n in range(N):
        for k in range(H):
            tc = math.tanh(c_next[n, k])
            dc = dc_next[n, k] + dh_next[n, k] * o[n, k] * (1.0 - tc * tc)
            dc_prev[n, k] = dc * f[n, k]
            da[n, k] = dc * g[n, k] * i[n, k] * (1.0 - i[n, k])
            da[n, H + k] = dc * c_prev[n, k] * f[n, k] * (1.0 - f[n, k])
            da[n, 2 * H + k] = dc * i[n, k] * (1.0 - g[n, k] * g[n, k])
            da[n, 3 * H + k] = dh_next[n, k] * tc * o[n, k] * (1.0 - o[n, k])
    dx = np.zeros((N, D))
    dh_prev = np.zeros((N, H))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    for n in range(N):
        for j in range(4 * H):
            db[j] += da[n, j]
            for d in range(D):
                dx[n, d] += da[n, j] * Wx[d, j]
                dWx[d, j] += x[n, d] * da[n, j]
            for k in range(H):
                dh_prev[n, k] += da[n, j] * Wh[k, j]
                dWh[k, j] += h_prev[n, k] * da[n, j]
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    if x.ndim != 3 or x.shape[1] < 1:
        raise ValueError("lstm_forward: x must be (N, T, D) with T >= 1")
    H = _check("lstm_forward", x, h0, Wx, Wh, b, "h0")
    N, T, D = x.shape
    h = np.zeros((N, T, H))
    caches = []
    h_prev, c_prev = h0, np.zeros((N, H))
    for t in range(T):
        xt = np.zeros((N, D))
        for n in range(N):
            for d in range(D):
                xt[n, d] = x[n, t, d]
        h_prev, c_prev, c = lstm_step_forward(xt, h_prev, c_prev, Wx, Wh, b)
        for n in range(N):
            for k in range(H):
                h[n, t, k] = h_prev[n, k]
        caches.append(c)
    return h, caches


def lstm_backward(dh, cache):
    T = len(cache)
    N, D = cache[0][0].shape
    H = cache[0][4].shape[0]
    if dh.shape != (N, T, H):
        raise ValueError(f"lstm_backward: dh must have shape {(N, T, H)}, got {dh.shape}")
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, 4 * H))
    dWh = np.zeros((H, 4 * H))
    db = np.zeros(4 * H)
    dh_carry = np.zeros((N, H))
    dc_carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        total = np.zeros((N, H))
        for n in range(N):
            for k in range(H):
                total[n, k] = dh[n, t, k] + dh_carry[n, k]
        dxt, dh_carry, dc_carry, gWx, gWh, gb = lstm_step_backward(total, dc_carry, cache[t])
        for n in range(N):
            for d in range(D):
                dx[n, t, d] = dxt[n, d]
        for j in range(4 * H):
            db[j] += gb[j]
            for d in range(D):
                dWx[d, j] += gWx[d, j]
            for k in range(H):
                dWh[k, j] += gWh[k, j]
    return dx, dh_carry, dWx, dWh, db
