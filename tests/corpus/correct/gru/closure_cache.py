"""A correct GRU whose caches are closures: each forward returns the function that computes its gradients.

Written with u = 1 - z (the share of the candidate) and the hidden-side products kept per block.
"""

import numpy as np


def _logistic(a):
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    e = np.exp(a[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _shapes(where, x, h, Wx, Wh, bx, bh, hname):
    if np.ndim(Wh) != 2 or Wh.shape[1] != 3 * Wh.shape[0]:
        raise ValueError(f"{where}: Wh must be (H, 3H), got {np.shape(Wh)}")
    H = Wh.shape[0]
    if np.ndim(Wx) != 2 or Wx.shape != (x.shape[-1], 3 * H):
        raise ValueError(f"{where}: Wx must be (D, 3H) = {(x.shape[-1], 3 * H)}, got {np.shape(Wx)}")
    for name, b in (("bx", bx), ("bh", bh)):
        if np.shape(b) != (3 * H,):
            raise ValueError(f"{where}: {name} must be (3H,) = {(3 * H,)}, got {np.shape(b)}")
    if np.shape(h) != (x.shape[0], H):
        raise ValueError(f"{where}: {hname} must be (N, H) = {(x.shape[0], H)}, got {np.shape(h)}")
    return H


def _make_step(x, h_prev, Wx, Wh, bx, bh, H):
    gx = x @ Wx + bx
    gh_r, gh_z, gh_n = (h_prev @ Wh[:, k * H:(k + 1) * H] + bh[k * H:(k + 1) * H] for k in range(3))
    r = _logistic(gx[:, :H] + gh_r)
    z = _logistic(gx[:, H:2 * H] + gh_z)
    u = 1.0 - z
    cand = np.tanh(gx[:, 2 * H:] + r * gh_n)
    h_next = u * cand + z * h_prev

    def backward(dh_next):
        if dh_next.shape != h_next.shape:
            raise ValueError(f"dh_next must have shape {h_next.shape}, got {dh_next.shape}")
        d_cand = dh_next * u
        d_u = dh_next * cand
        d_z = dh_next * h_prev - d_u
        s_n = d_cand * (1.0 - cand * cand)
        s_z = d_z * z * u
        s_r = s_n * gh_n * r * (1.0 - r)
        s_x = np.concatenate([s_r, s_z, s_n], axis=1)
        hidden = [s_r, s_z, s_n * r]
        dh_prev = dh_next * z
        dWh = np.empty_like(Wh)
        for k, s in enumerate(hidden):
            dh_prev = dh_prev + s @ Wh[:, k * H:(k + 1) * H].T
            dWh[:, k * H:(k + 1) * H] = h_prev.T @ s
        dbh = np.concatenate([s.sum(axis=0) for s in hidden])
        return s_x @ Wx.T, dh_prev, x.T @ s_x, dWh, s_x.sum(axis=0), dbh

    return h_next, backward


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    if np.ndim(x) != 2:
        raise ValueError(f"gru_step_forward: x must be (N, D), got {np.shape(x)}")
    H = _shapes("gru_step_forward", x, h_prev, Wx, Wh, bx, bh, "h_prev")
    return _make_step(x, h_prev, Wx, Wh, bx, bh, H)


def gru_step_backward(dh_next, cache):
    return cache(dh_next)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    if np.ndim(x) != 3 or x.shape[1] < 1:
        raise ValueError(f"gru_forward: x must be (N, T, D) with T >= 1, got {np.shape(x)}")
    H = _shapes("gru_forward", x, h0, Wx, Wh, bx, bh, "h0")
    outputs, backwards = [], []
    h = h0
    for t in range(x.shape[1]):
        h, back = _make_step(x[:, t], h, Wx, Wh, bx, bh, H)
        outputs.append(h)
        backwards.append(back)
    hs = np.stack(outputs, axis=1)

    def backward(dh):
        if dh.shape != hs.shape:
            raise ValueError(f"gru_backward: dh must have shape {hs.shape}, got {dh.shape}")
        dxs = [None] * len(backwards)
        carried = np.zeros_like(h0)
        sums = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bx), np.zeros_like(bh)]
        for t in range(len(backwards) - 1, -1, -1):
            dxs[t], carried, *step = backwards[t](dh[:, t] + carried)
            sums = [a + b for a, b in zip(sums, step)]
        return (np.stack(dxs, axis=1), carried, *sums)

    return hs, backward


def gru_backward(dh, cache):
    return cache(dh)
