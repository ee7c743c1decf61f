"""A correct tanh RNN vectorized with einsum, caching dicts and returning lists.

The sequence functions do not call the step functions: the forward keeps every hidden state
(with h0 in front) in one array, and the backward computes all weight gradients at the end
from the stacked pre-activation gradients.
"""

import numpy as np


def _validate(x, h, Wx, Wh, b, x_dims, where, hname):
    x, h, Wx, Wh, b = (np.asarray(a, dtype=float) for a in (x, h, Wx, Wh, b))
    if x.ndim != x_dims:
        raise ValueError(f"{where}: x must be {x_dims}-D, got shape {x.shape}")
    if Wh.ndim != 2 or Wh.shape[0] != Wh.shape[1]:
        raise ValueError(f"{where}: Wh must be square (H, H), got shape {Wh.shape}")
    H = Wh.shape[0]
    if Wx.shape != (x.shape[-1], H):
        raise ValueError(f"{where}: Wx must be (D, H) = {(x.shape[-1], H)}, got {Wx.shape}")
    if b.shape != (H,):
        raise ValueError(f"{where}: b must be (H,) = {(H,)}, got {b.shape}")
    if h.shape != (x.shape[0], H):
        raise ValueError(f"{where}: {hname} must be (N, H) = {(x.shape[0], H)}, got {h.shape}")
    return x, h, Wx, Wh, b


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    x, h_prev, Wx, Wh, b = _validate(x, h_prev, Wx, Wh, b, 2, "rnn_step_forward", "h_prev")
    h_next = np.tanh(np.einsum("nd,dh->nh", x, Wx) + np.einsum("nk,kh->nh", h_prev, Wh) + b[None, :])
    return h_next, {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "h_next": h_next}


def rnn_step_backward(dh_next, cache):
    if np.shape(dh_next) != cache["h_next"].shape:
        raise ValueError("rnn_step_backward: dh_next must be shaped like h_next")
    da = dh_next * (1 - cache["h_next"] ** 2)
    return [np.einsum("nh,dh->nd", da, cache["Wx"]),
            np.einsum("nh,kh->nk", da, cache["Wh"]),
            np.einsum("nd,nh->dh", cache["x"], da),
            np.einsum("nk,nh->kh", cache["h_prev"], da),
            np.einsum("nh->h", da)]


def rnn_forward(x, h0, Wx, Wh, b):
    x, h0, Wx, Wh, b = _validate(x, h0, Wx, Wh, b, 3, "rnn_forward", "h0")
    N, T, D = x.shape
    if T < 1:
        raise ValueError("rnn_forward: the sequence must have at least one time step")
    states = np.empty((N, T + 1, Wh.shape[0]))
    states[:, 0] = h0
    xw = np.einsum("ntd,dh->nth", x, Wx) + b
    for t in range(T):
        states[:, t + 1] = np.tanh(xw[:, t] + states[:, t] @ Wh)
    h = states[:, 1:].copy()
    return h, {"x": x, "states": states, "Wx": Wx, "Wh": Wh}


def rnn_backward(dh, cache):
    x, states, Wx, Wh = cache["x"], cache["states"], cache["Wx"], cache["Wh"]
    N, T, D = x.shape
    H = Wh.shape[0]
    if np.shape(dh) != (N, T, H):
        raise ValueError(f"rnn_backward: dh must have shape {(N, T, H)}, got {np.shape(dh)}")
    da = np.zeros((N, T, H))
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da[:, t] = (dh[:, t] + carry) * (1 - states[:, t + 1] ** 2)
        carry = da[:, t] @ Wh.T
    dx = np.einsum("nth,dh->ntd", da, Wx)
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", states[:, :-1], da)
    db = da.sum(axis=(0, 1))
    return [dx, carry, dWx, dWh, db]
