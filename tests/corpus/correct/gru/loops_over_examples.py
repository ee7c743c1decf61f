"""A correct GRU written with loops over the examples of the batch (and over time), one vector at a time.

Every example's gates come from matrix-vector products with the three blocks of the weights; the
weight gradients are accumulated one outer product per example and block.
"""

import math

import numpy as np


def _sig(v):
    out = np.empty_like(v)
    for k, value in enumerate(v):
        if value >= 0:
            out[k] = 1.0 / (1.0 + math.exp(-value))
        else:
            e = math.exp(value)
            out[k] = e / (1.0 + e)
    return out


def _check(where, x, h, Wx, Wh, bx, bh, hname):
    if x.ndim != 2 or h.ndim != 2 or Wx.ndim != 2 or Wh.ndim != 2 or bx.ndim != 1 or bh.ndim != 1:
        raise ValueError(f"{where}: x, {hname}, Wx and Wh must be 2-D, bx and bh 1-D")
    H = Wh.shape[0]
    if Wh.shape[1] != 3 * H:
        raise ValueError(f"{where}: Wh must be (H, 3H), got {Wh.shape}")
    if Wx.shape != (x.shape[1], 3 * H):
        raise ValueError(f"{where}: Wx must be (D, 3H) = {(x.shape[1], 3 * H)}, got {Wx.shape}")
    if bx.shape != (3 * H,) or bh.shape != (3 * H,):
        raise ValueError(f"{where}: bx and bh must be (3H,) = {(3 * H,)}, got {bx.shape} and {bh.shape}")
    if h.shape != (x.shape[0], H):
        raise ValueError(f"{where}: {hname} must be (N, H) = {(x.shape[0], H)}, got {h.shape}")
    return H


def _one_step(x, h_prev, Wx, Wh, bx, bh):
    """One example: x (D,), h_prev (H,) -> h_next (H,) and what its backward needs."""
    H = h_prev.shape[0]
    blocks = [slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H)]
    ax = [x @ Wx[:, s] + bx[s] for s in blocks]
    ah = [h_prev @ Wh[:, s] + bh[s] for s in blocks]
    r = _sig(ax[0] + ah[0])
    z = _sig(ax[1] + ah[1])
    n = np.tanh(ax[2] + r * ah[2])
    h_next = np.empty(H)
    for k in range(H):
        h_next[k] = (1.0 - z[k]) * n[k] + z[k] * h_prev[k]
    return h_next, (x, h_prev, r, z, n, ah[2])


def _one_step_back(dh, saved, Wx, Wh, grads):
    """One example's backward; adds its weight and bias gradients into ``grads``, returns dx, dh_prev."""
    x, h_prev, r, z, n, ah_n = saved
    H = h_prev.shape[0]
    dan = np.empty(H)
    daz = np.empty(H)
    dar = np.empty(H)
    for k in range(H):
        dan[k] = dh[k] * (1.0 - z[k]) * (1.0 - n[k] ** 2)
        daz[k] = dh[k] * (h_prev[k] - n[k]) * z[k] * (1.0 - z[k])
        dar[k] = dan[k] * ah_n[k] * r[k] * (1.0 - r[k])
    dWx, dWh, dbx, dbh = grads
    dx = np.zeros(x.shape[0])
    dh_prev = dh * z
    for j, (d_in, d_hid) in enumerate([(dar, dar), (daz, daz), (dan, r * dan)]):
        s = slice(j * H, (j + 1) * H)
        dx += Wx[:, s] @ d_in
        dh_prev = dh_prev + Wh[:, s] @ d_hid
        dWx[:, s] += np.outer(x, d_in)
        dWh[:, s] += np.outer(h_prev, d_hid)
        dbx[s] += d_in
        dbh[s] += d_hid
    return dx, dh_prev


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    H = _check("gru_step_forward", x, h_prev, Wx, Wh, bx, bh, "h_prev")
    N = x.shape[0]
    h_next = np.empty((N, H))
    saved = []
    for i in range(N):
        h_next[i], s = _one_step(x[i], h_prev[i], Wx, Wh, bx, bh)
        saved.append(s)
    return h_next, (saved, Wx, Wh)


def gru_step_backward(dh_next, cache):
    saved, Wx, Wh = cache
    N, H = len(saved), Wh.shape[0]
    if dh_next.shape != (N, H):
        raise ValueError(f"gru_step_backward: dh_next must be {(N, H)}, got {dh_next.shape}")
    grads = (np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(3 * H), np.zeros(3 * H))
    dx = np.empty((N, Wx.shape[0]))
    dh_prev = np.empty((N, H))
    for i in range(N):
        dx[i], dh_prev[i] = _one_step_back(dh_next[i], saved[i], Wx, Wh, grads)
    return (dx, dh_prev, *grads)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    if x.ndim != 3:
        raise ValueError(f"gru_forward: x must be (N, T, D), got {x.shape}")
    N, T, D = x.shape
    if T == 0:
        raise ValueError("gru_forward: x must hold at least one time step")
    H = _check("gru_forward", x[:, 0], h0, Wx, Wh, bx, bh, "h0")
    h = np.empty((N, T, H))
    saved = [[None] * T for _ in range(N)]
    for i in range(N):
        h_prev = h0[i]
        for t in range(T):
            h_prev, saved[i][t] = _one_step(x[i, t], h_prev, Wx, Wh, bx, bh)
            h[i, t] = h_prev
    return h, (saved, Wx, Wh)


def gru_backward(dh, cache):
    saved, Wx, Wh = cache
    N, T, H = len(saved), len(saved[0]), Wh.shape[0]
    if dh.shape != (N, T, H):
        raise ValueError(f"gru_backward: dh must be {(N, T, H)}, got {dh.shape}")
    grads = (np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(3 * H), np.zeros(3 * H))
    dx = np.empty((N, T, Wx.shape[0]))
    dh0 = np.empty((N, H))
    for i in range(N):
        carried = np.zeros(H)
        for t in range(T - 1, -1, -1):
            dx[i, t], carried = _one_step_back(dh[i, t] + carried, saved[i][t], Wx, Wh, grads)
        dh0[i] = carried
    return (dx, dh0, *grads)
