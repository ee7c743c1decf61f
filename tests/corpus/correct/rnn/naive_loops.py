"""A correct tanh RNN written with plain Python loops over every index (no matrix products).

Slow but straightforward: every hidden unit of every example is a sum over the inputs and the
previous hidden units, and every gradient entry is accumulated one product at a time.
"""

import math

import numpy as np


def _check(x, h_prev, Wx, Wh, b, where, name):
    if Wx.ndim != 2 or Wh.ndim != 2 or b.ndim != 1 or h_prev.ndim != 2:
        raise ValueError(f"{where}: Wx, Wh and {name} must be 2-D and b 1-D")
    H = Wh.shape[0]
    if Wh.shape[1] != H:
        raise ValueError(f"{where}: Wh must be square, got {Wh.shape}")
    if Wx.shape != (x.shape[-1], H):
        raise ValueError(f"{where}: Wx must have shape (D, H) = {(x.shape[-1], H)}, got {Wx.shape}")
    if b.shape != (H,):
        raise ValueError(f"{where}: b must have shape ({H},), got {b.shape}")
    if h_prev.shape != (x.shape[0], H):
        raise ValueError(f"{where}: {name} must have shape {(x.shape[0], H)}, got {h_prev.shape}")


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    if x.ndim != 2:
        raise ValueError("rnn_step_forward: x must be 2-D (N, D)")
    _check(x, h_prev, Wx, Wh, b, "rnn_step_forward", "h_prev")
    N, D = x.shape
    H = Wh.shape[0]
    h_next = np.zeros((N, H))
    for n in range(N):
        for j in range(H):
            total = b[j]
            for d in range(D):
                total += x[n, d] * Wx[d, j]
            for k in range(H):
                total += h_prev[n, k] * Wh[k, j]
            h_next[n, j] = math.tanh(total)
    return h_next, (x.copy(), h_prev.copy(), Wx.copy(), Wh.copy(), h_next.copy())


def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    if dh_next.shape != h_next.shape:
        raise ValueError(f"rnn_step_backward: dh_next must have shape {h_next.shape}, got {dh_next.shape}")
    N, D = x.shape
    H = Wh.shape[0]
    dx = np.zeros((N, D))
    dh_prev = np.zeros((N, H))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    for n in range(N):
        for j in range(H):
            da = dh_next[n, j] * (1.0 - h_next[n, j] * h_next[n, j])
            db[j] += da
            for d in range(D):
                dx[n, d] += da * Wx[d, j]
                dWx[d, j] += x[n, d] * da
            for k in range(H):
                dh_prev[n, k] += da * Wh[k, j]
                dWh[k, j] += h_prev[n, k] * da
    return dx, dh_prev, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    if x.ndim != 3 or x.shape[1] == 0:
        raise ValueError("rnn_forward: x must be (N, T, D) with T >= 1")
    _check(x, h0, Wx, Wh, b, "rnn_forward", "h0")
    N, T, D = x.shape
    H = Wh.shape[0]
    h = np.zeros((N, T, H))
    caches = []
    prev = h0
    for t in range(T):
        xt = np.zeros((N, D))
        for n in range(N):
            for d in range(D):
                xt[n, d] = x[n, t, d]
        prev, c = rnn_step_forward(xt, prev, Wx, Wh, b)
        for n in range(N):
            for j in range(H):
                h[n, t, j] = prev[n, j]
        caches.append(c)
    return h, caches


def rnn_backward(dh, cache):
    T = len(cache)
    N, D = cache[0][0].shape
    H = cache[0][3].shape[0]
    if dh.shape != (N, T, H):
        raise ValueError(f"rnn_backward: dh must have shape {(N, T, H)}, got {dh.shape}")
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    carried = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        total = np.zeros((N, H))
        for n in range(N):
            for j in range(H):
                total[n, j] = dh[n, t, j] + carried[n, j]
        dxt, carried, dWx_t, dWh_t, db_t = rnn_step_backward(total, cache[t])
        for n in range(N):
            for d in range(D):
                dx[n, t, d] = dxt[n, d]
        for j in range(H):
            db[j] += db_t[j]
            for d in range(D):
                dWx[d, j] += dWx_t[d, j]
            for k in range(H):
                dWh[k, j] += dWh_t[k, j]
    return dx, carried, dWx, dWh, db
