"""A correct GRU with one weight matrix per gate, einsum products and dict caches.

The sequence forward keeps every intermediate stacked over time, and the sequence backward is
its own loop (it does not call the step backward).
"""

import numpy as np


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _validate(where, x, h, Wx, Wh, bx, bh, hname, batch_axis_x=2):
    if x.ndim != batch_axis_x or h.ndim != 2 or Wx.ndim != 2 or Wh.ndim != 2:
        raise ValueError(f"{where}: wrong number of dimensions: x {x.shape}, {hname} {h.shape}, "
                         f"Wx {Wx.shape}, Wh {Wh.shape}")
    hidden = Wh.shape[0]
    expected = {"Wh": (hidden, 3 * hidden), "Wx": (x.shape[-1], 3 * hidden), "bx": (3 * hidden,),
                "bh": (3 * hidden,), hname: (x.shape[0], hidden)}
    for name, value in {"Wh": Wh, "Wx": Wx, "bx": bx, "bh": bh, hname: h}.items():
        if value.shape != expected[name]:
            raise ValueError(f"{where}: {name} must have shape {expected[name]}, got {value.shape}")


def _split(W):
    return np.split(W, 3, axis=-1)


def _step(x, h, Wx, Wh, bx, bh):
    (Wxr, Wxz, Wxn), (Whr, Whz, Whn) = _split(Wx), _split(Wh)
    (bxr, bxz, bxn), (bhr, bhz, bhn) = _split(bx), _split(bh)
    r = _sigmoid(np.einsum("nd,dh->nh", x, Wxr) + bxr + np.einsum("nk,kh->nh", h, Whr) + bhr)
    z = _sigmoid(np.einsum("nd,dh->nh", x, Wxz) + bxz + np.einsum("nk,kh->nh", h, Whz) + bhz)
    hn = np.einsum("nk,kh->nh", h, Whn) + bhn
    n = np.tanh(np.einsum("nd,dh->nh", x, Wxn) + bxn + r * hn)
    return z * h + (1.0 - z) * n, {"x": x, "h": h, "r": r, "z": z, "n": n, "hn": hn}


def _step_back(dout, c, Wx, Wh):
    d_pre_n = dout * (1.0 - c["z"]) * (1.0 - c["n"] ** 2)
    d_pre_z = dout * (c["h"] - c["n"]) * c["z"] * (1.0 - c["z"])
    d_pre_r = d_pre_n * c["hn"] * c["r"] * (1.0 - c["r"])
    d_in = np.hstack([d_pre_r, d_pre_z, d_pre_n])
    d_hid = np.hstack([d_pre_r, d_pre_z, c["r"] * d_pre_n])
    return {
        "dx": np.einsum("ng,dg->nd", d_in, Wx),
        "dh": dout * c["z"] + np.einsum("ng,kg->nk", d_hid, Wh),
        "dWx": np.einsum("nd,ng->dg", c["x"], d_in),
        "dWh": np.einsum("nk,ng->kg", c["h"], d_hid),
        "dbx": np.einsum("ng->g", d_in),
        "dbh": np.einsum("ng->g", d_hid),
    }


def gru_step_forward(x, h_prev, Wx, Wh, bx, bh):
    _validate("gru_step_forward", x, h_prev, Wx, Wh, bx, bh, "h_prev")
    h_next, cache = _step(x, h_prev, Wx, Wh, bx, bh)
    cache.update(Wx=Wx, Wh=Wh)
    return h_next, cache


def gru_step_backward(dh_next, cache):
    if dh_next.shape != cache["z"].shape:
        raise ValueError(f"gru_step_backward: dh_next must have shape {cache['z'].shape}, got {dh_next.shape}")
    g = _step_back(dh_next, cache, cache["Wx"], cache["Wh"])
    return g["dx"], g["dh"], g["dWx"], g["dWh"], g["dbx"], g["dbh"]


def gru_forward(x, h0, Wx, Wh, bx, bh):
    _validate("gru_forward", x, h0, Wx, Wh, bx, bh, "h0", batch_axis_x=3)
    if x.shape[1] == 0:
        raise ValueError(f"gru_forward: T must be at least 1, got x of shape {x.shape}")
    steps = []
    h = h0
    for t in range(x.shape[1]):
        h, step = _step(x[:, t], h, Wx, Wh, bx, bh)
        steps.append(step)
    stacked = {key: np.stack([s[key] for s in steps]) for key in steps[0]}
    hs = np.einsum("tnh->nth", stacked["z"] * stacked["h"] + (1.0 - stacked["z"]) * stacked["n"])
    return hs, {"stacked": stacked, "Wx": Wx, "Wh": Wh}


def gru_backward(dh, cache):
    stacked, Wx, Wh = cache["stacked"], cache["Wx"], cache["Wh"]
    T, N, H = stacked["z"].shape
    if dh.shape != (N, T, H):
        raise ValueError(f"gru_backward: dh must have shape {(N, T, H)}, got {dh.shape}")
    total = {"dWx": np.zeros_like(Wx), "dWh": np.zeros_like(Wh), "dbx": np.zeros(3 * H), "dbh": np.zeros(3 * H)}
    dx = np.zeros((N, T, Wx.shape[0]))
    carried = np.zeros((N, H))
    for t in reversed(range(T)):
        step = {key: value[t] for key, value in stacked.items()}
        g = _step_back(dh[:, t] + carried, step, Wx, Wh)
        dx[:, t] = g["dx"]
        carried = g["dh"]
        for key in total:
            total[key] = total[key] + g[key]
    return dx, carried, total["dWx"], total["dWh"], total["dbx"], total["dbh"]
