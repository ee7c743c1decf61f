"""A correct LSTM structured around small helpers and a cache object.

Each step's cache is a ``Step`` object holding what the backward needs (including the pre-activation
a, from which the gates are recomputed); the sequence cache is a tuple (steps, shape). Gradients
are assembled with np.hstack and the derivatives written from the pre-activations.
"""

from dataclasses import dataclass

import numpy as np


def sigmoid(a):
    a = np.asarray(a, dtype=np.float64)
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _fail(message):
    raise ValueError(message)


def _hidden_size(where, x, h, Wx, Wh, b, hname):
    if Wh.ndim != 2 or Wh.shape[1] != 4 * Wh.shape[0]:
        _fail(f"{where}: Wh must have shape (H, 4H), got {Wh.shape}")
    H = Wh.shape[0]
    if Wx.ndim != 2 or Wx.shape[0] != x.shape[-1] or Wx.shape[1] != 4 * H:
        _fail(f"{where}: Wx must have shape (D, 4H), got {Wx.shape}")
    if b.ndim != 1 or b.size != 4 * H:
        _fail(f"{where}: b must have shape (4H,), got {b.shape}")
    if h.ndim != 2 or h.shape != (x.shape[0], H):
        _fail(f"{where}: {hname} must have shape (N, H), got {h.shape}")
    return H


def _split(a):
    return np.split(a, 4, axis=1)


def _activate(a):
    a_i, a_f, a_g, a_o = _split(a)
    return sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)


@dataclass
class Step:
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    a: np.ndarray
    c_next: np.ndarray


def lstm_gates(x, h_prev, Wx, Wh, b):
    if np.ndim(x) != 2:
        _fail("lstm_gates: x must have shape (N, D)")
    _hidden_size("lstm_gates", x, h_prev, Wx, Wh, b, "h_prev")
    return _activate(x.dot(Wx) + h_prev.dot(Wh) + b)


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    if np.ndim(x) != 2:
        _fail("lstm_step_forward: x must have shape (N, D)")
    H = _hidden_size("lstm_step_forward", x, h_prev, Wx, Wh, b, "h_prev")
    if np.ndim(c_prev) != 2 or c_prev.shape != (x.shape[0], H):
        _fail(f"lstm_step_forward: c_prev must have shape (N, H), got {np.shape(c_prev)}")
    a = x.dot(Wx) + h_prev.dot(Wh) + b
    i, f, g, o = _activate(a)
    c_next = f * c_prev + i * g
    return o * np.tanh(c_next), c_next, Step(x, h_prev, c_prev, Wx, Wh, a, c_next)


def lstm_step_backward(dh_next, dc_next, cache):
    if np.shape(dh_next) != cache.c_next.shape or np.shape(dc_next) != cache.c_next.shape:
        _fail("lstm_step_backward: dh_next and dc_next must have the shape (N, H) of the states")
    a_i, a_f, a_g, a_o = _split(cache.a)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    dsig = lambda s: s - s * s
    dc = dc_next + dh_next * o / np.cosh(cache.c_next) ** 2
    da = np.hstack([dc * g * dsig(i), dc * cache.c_prev * dsig(f), dc * i / np.cosh(a_g) ** 2,
                    dh_next * np.tanh(cache.c_next) * dsig(o)])
    return (da.dot(cache.Wx.T), da.dot(cache.Wh.T), f * dc,
            cache.x.T.dot(da), cache.h_prev.T.dot(da), da.sum(axis=0))


def lstm_forward(x, h0, Wx, Wh, b):
    if np.ndim(x) != 3 or np.shape(x)[1] < 1:
        _fail("lstm_forward: x must have shape (N, T, D) with T >= 1")
    _hidden_size("lstm_forward", x, h0, Wx, Wh, b, "h0")
    steps, outs = [], []
    h, c = h0, np.zeros_like(h0, dtype=np.float64)
    for t in range(x.shape[1]):
        h, c, step = lstm_step_forward(x[:, t, :], h, c, Wx, Wh, b)
        steps.append(step)
        outs.append(h)
    return np.stack(outs, axis=1), (steps, (x.shape[0], x.shape[1], h0.shape[1]))


def lstm_backward(dh, cache):
    steps, shape = cache
    if np.shape(dh) != shape:
        _fail(f"lstm_backward: dh must have shape {shape}, got {np.shape(dh)}")
    grads = [None] * len(steps)
    dWx = dWh = db = 0
    dh_carry = np.zeros(shape[::2])
    dc_carry = np.zeros(shape[::2])
    for t, step in reversed(list(enumerate(steps))):
        grads[t], dh_carry, dc_carry, gWx, gWh, gb = lstm_step_backward(dh[:, t, :] + dh_carry, dc_carry, step)
        dWx, dWh, db = dWx + gWx, dWh + gWh, db + gb
    return np.stack(grads, axis=1), dh_carry, dWx, dWh, db
