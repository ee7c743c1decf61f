"""A correct tanh RNN in a functional style: the cache is a closure that knows how to go back.

Each forward returns, as its cache, a function that maps the upstream gradient to the
gradients, so the backward functions only call it. The step keeps the pre-activation and
differentiates tanh as 1 / cosh(a)**2.
"""

import numpy as np


def _require(condition, message):
    if not condition:
        raise ValueError(message)


def _check_params(where, x, h, Wx, Wh, b, hname):
    _require(Wh.ndim == 2 and Wh.shape[0] == Wh.shape[1], f"{where}: Wh must be a square (H, H) matrix")
    H = Wh.shape[0]
    _require(Wx.ndim == 2 and Wx.shape == (x.shape[-1], H), f"{where}: Wx must have shape (D, H)")
    _require(b.ndim == 1 and b.shape[0] == H, f"{where}: b must have shape (H,)")
    _require(h.ndim == 2 and h.shape == (x.shape[0], H), f"{where}: {hname} must have shape (N, H)")


def _affine(x, h, Wx, Wh, b):
    return np.dot(x, Wx) + np.dot(h, Wh) + b


def _step_backprop(x, h_prev, Wx, Wh, a):
    def backprop(dh_next):
        _require(np.shape(dh_next) == a.shape, "rnn_step_backward: dh_next has the wrong shape")
        da = np.asarray(dh_next) / np.cosh(a) ** 2
        return np.dot(da, Wx.T), np.dot(da, Wh.T), np.dot(x.T, da), np.dot(h_prev.T, da), np.sum(da, axis=0)
    return backprop


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    _require(np.ndim(x) == 2, "rnn_step_forward: x must have shape (N, D)")
    _check_params("rnn_step_forward", x, h_prev, Wx, Wh, b, "h_prev")
    a = _affine(x, h_prev, Wx, Wh, b)
    return np.tanh(a), _step_backprop(x.copy(), h_prev.copy(), Wx.copy(), Wh.copy(), a)


def rnn_step_backward(dh_next, cache):
    return cache(dh_next)


def rnn_forward(x, h0, Wx, Wh, b):
    _require(np.ndim(x) == 3 and x.shape[1] >= 1, "rnn_forward: x must have shape (N, T, D) with T >= 1")
    _check_params("rnn_forward", x, h0, Wx, Wh, b, "h0")
    steps, hs, h = [], [], h0
    for x_t in np.moveaxis(x, 1, 0):
        h, back = rnn_step_forward(x_t, h, Wx, Wh, b)
        hs.append(h)
        steps.append(back)
    out = np.stack(hs, axis=1)

    def backprop(dh):
        _require(np.shape(dh) == out.shape, "rnn_backward: dh must have the shape of h")
        grads_x, dWx, dWh, db = [], 0.0, 0.0, 0.0
        carry = np.zeros_like(h0)
        for t in range(len(steps) - 1, -1, -1):
            gx, carry, gWx, gWh, gb = steps[t](dh[:, t] + carry)
            grads_x.append(gx)
            dWx, dWh, db = dWx + gWx, dWh + gWh, db + gb
        return np.stack(grads_x[::-1], axis=1), carry, dWx, dWh, db

    return out, backprop


def rnn_backward(dh, cache):
    return cache(dh)
