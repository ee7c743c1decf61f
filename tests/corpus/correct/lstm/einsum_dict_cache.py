"""A correct LSTM vectorized with einsum, gates as a (N, 4, H) view, dict caches and list returns.

The sequence functions do not call the step functions: the forward keeps every gate and state
in stacked arrays, and the backward computes the weight gradients once from all time steps.
"""

import numpy as np


def sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _validate(x, h, Wx, Wh, b, x_dims, where, hname):
    x, h, Wx, Wh, b = (np.asarray(v, dtype=np.float64) for v in (x, h, Wx, Wh, b))
    if x.ndim != x_dims:
        raise ValueError(f"{where}: x must be {x_dims}-D, got shape {x.shape}")
    if Wh.ndim != 2 or Wh.shape[1] != 4 * Wh.shape[0]:
        raise ValueError(f"{where}: Wh must be (H, 4H), got {Wh.shape}")
    H = Wh.shape[0]
    if Wx.shape != (x.shape[-1], 4 * H):
        raise ValueError(f"{where}: Wx must be (D, 4H), got {Wx.shape}")
    if b.shape != (4 * H,):
        raise ValueError(f"{where}: b must be (4H,), got {b.shape}")
    if h.shape != (x.shape[0], H):
        raise ValueError(f"{where}: {hname} must be (N, H), got {h.shape}")
    return x, h, Wx, Wh, b, H


def _nonlinear(a, H):
    blocks = a.reshape(a.shape[:-1] + (4, H))
    gates = sigmoid(blocks)
    gates[..., 2, :] = np.tanh(blocks[..., 2, :])
    return gates  # (..., 4, H) in the order i, f, g, o


def _gate_grads(gates, dc, c_prev, do):
    """d(pre-activation) as (..., 4, H) from the cell gradient dc and the output-gate gradient do."""
    i, f, g, o = (gates[..., k, :] for k in range(4))
    return np.stack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g), do * o * (1 - o)], axis=-2)


def lstm_gates(x, h_prev, Wx, Wh, b):
    x, h_prev, Wx, Wh, b, H = _validate(x, h_prev, Wx, Wh, b, 2, "lstm_gates", "h_prev")
    gates = _nonlinear(np.einsum("nd,dj->nj", x, Wx) + np.einsum("nk,kj->nj", h_prev, Wh) + b, H)
    return [gates[:, k, :].copy() for k in range(4)]


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    x, h_prev, Wx, Wh, b, H = _validate(x, h_prev, Wx, Wh, b, 2, "lstm_step_forward", "h_prev")
    c_prev = np.asarray(c_prev, dtype=np.float64)
    if c_prev.shape != h_prev.shape:
        raise ValueError(f"lstm_step_forward: c_prev must be (N, H), got {c_prev.shape}")
    gates = _nonlinear(np.einsum("nd,dj->nj", x, Wx) + np.einsum("nk,kj->nj", h_prev, Wh) + b, H)
    c_next = gates[:, 1] * c_prev + gates[:, 0] * gates[:, 2]
    h_next = gates[:, 3] * np.tanh(c_next)
    return [h_next, c_next, {"x": x, "h_prev": h_prev, "c_prev": c_prev, "Wx": Wx, "Wh": Wh,
                             "gates": gates, "c_next": c_next}]


def lstm_step_backward(dh_next, dc_next, cache):
    c_next = cache["c_next"]
    if np.shape(dh_next) != c_next.shape or np.shape(dc_next) != c_next.shape:
        raise ValueError("lstm_step_backward: dh_next and dc_next must be shaped like c_next")
    gates, tc = cache["gates"], np.tanh(c_next)
    dc = dc_next + dh_next * gates[:, 3] * (1 - tc ** 2)
    da = _gate_grads(gates, dc, cache["c_prev"], dh_next * tc).reshape(dc.shape[0], -1)
    return [np.einsum("nj,dj->nd", da, cache["Wx"]), np.einsum("nj,kj->nk", da, cache["Wh"]),
            dc * gates[:, 1], np.einsum("nd,nj->dj", cache["x"], da),
            np.einsum("nk,nj->kj", cache["h_prev"], da), np.einsum("nj->j", da)]


def lstm_forward(x, h0, Wx, Wh, b):
    x, h0, Wx, Wh, b, H = _validate(x, h0, Wx, Wh, b, 3, "lstm_forward", "h0")
    N, T, _ = x.shape
    if T == 0:
        raise ValueError("lstm_forward: x must have at least one time step")
    xa = np.einsum("ntd,dj->ntj", x, Wx) + b
    hs = np.zeros((N, T + 1, H))
    cs = np.zeros((N, T + 1, H))
    hs[:, 0] = h0
    gates = np.zeros((N, T, 4, H))
    for t in range(T):
        gates[:, t] = _nonlinear(xa[:, t] + hs[:, t] @ Wh, H)
        cs[:, t + 1] = gates[:, t, 1] * cs[:, t] + gates[:, t, 0] * gates[:, t, 2]
        hs[:, t + 1] = gates[:, t, 3] * np.tanh(cs[:, t + 1])
    return [hs[:, 1:].copy(), {"x": x, "hs": hs, "cs": cs, "gates": gates, "Wx": Wx, "Wh": Wh}]


def lstm_backward(dh, cache):
    x, hs, cs, gates, Wx, Wh = (cache[k] for k in ("x", "hs", "cs", "gates", "Wx", "Wh"))
    N, T, _ = x.shape
    H = Wh.shape[0]
    if np.shape(dh) != (N, T, H):
        raise ValueError(f"lstm_backward: dh must have shape {(N, T, H)}, got {np.shape(dh)}")
    da = np.zeros((N, T, 4, H))
    dh_carry = np.zeros((N, H))
    dc_carry = np.zeros((N, H))
    for t in reversed(range(T)):
        tc = np.tanh(cs[:, t + 1])
        dh_t = dh[:, t] + dh_carry
        dc = dc_carry + dh_t * gates[:, t, 3] * (1 - tc ** 2)
        da[:, t] = _gate_grads(gates[:, t], dc, cs[:, t], dh_t * tc)
        dc_carry = dc * gates[:, t, 1]
        dh_carry = np.einsum("nj,kj->nk", da[:, t].reshape(N, -1), Wh)

    da = da.reshape(N, T, 4 * H)
    return [np.einsum("ntj,dj->ntd", da, Wx), dh_carry, np.einsum("ntd,ntj->dj", x, da),
            np.einsum("ntk,ntj->kj", hs[:, :-1], da), da.sum(axis=(0, 1))]
