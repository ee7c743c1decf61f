"""Correct residual block structured as a small tape of stages, with a dict cache and list returns.

The forward records each stage (conv, relu, add) and its cache on a list; the backward replays
the tape in reverse with a gradient per named tensor. Forward and backward return lists, which
the contract allows. The convolutions are the package's own, imported from .conv.
"""

import numpy as np

from .conv import conv2d_backward, conv2d_forward

REQUIRED = ("W1", "b1", "W2", "b2")


def _validate(x, params, stride):
    if not isinstance(params, dict) or any(k not in params for k in REQUIRED):
        raise ValueError("params needs W1, b1, W2, b2")
    if set(params) - set(REQUIRED) - {"Ws", "bs"} or (("Ws" in params) ^ ("bs" in params)):
        raise ValueError("params may only add both Ws and bs")
    if np.ndim(x) != 4:
        raise ValueError("x must be 4-D")
    C = x.shape[1]
    F = params["W1"].shape[0]
    shapes = {"W1": (F, C, 3, 3), "b1": (F,), "W2": (F, F, 3, 3), "b2": (F,), "Ws": (F, C, 1, 1), "bs": (F,)}
    for name, value in params.items():
        if np.shape(value) != shapes[name]:
            raise ValueError(f"{name} should have shape {shapes[name]}, not {np.shape(value)}")
    strides = tuple(stride) if isinstance(stride, (tuple, list)) else (stride, stride)
    if "Ws" not in params and (strides != (1, 1) or C != F):
        raise ValueError("an identity shortcut requires stride 1 and as many filters as channels")


def residual_block_forward(x, params, stride=1):
    _validate(x, params, stride)
    tape = []
    t = {"x": x}

    def conv(out, inp, w, b, s, pad):
        t[out], cache = conv2d_forward(t[inp], params[w], params[b], stride=s, pad=pad)
        tape.append(("conv", out, inp, w, b, cache))

    def relu(out, inp):
        t[out] = np.maximum(t[inp], 0)
        tape.append(("relu", out, inp, t[inp] > 0))

    def add(out, left, right):
        t[out] = t[left] + t[right]
        tape.append(("add", out, left, right))

    conv("a1", "x", "W1", "b1", stride, 1)
    relu("h", "a1")
    conv("z", "h", "W2", "b2", 1, 1)
    if "Ws" in params:
        conv("s", "x", "Ws", "bs", stride, 0)
        add("a2", "z", "s")
    else:
        add("a2", "z", "x")
    relu("out", "a2")
    return [t["out"], {"tape": tape, "keys": sorted(params)}]


def residual_block_backward(dout, cache):
    grad = {"out": dout}
    grads = {}

    def accumulate(name, value):
        grad[name] = grad[name] + value if name in grad else value

    for step in reversed(cache["tape"]):
        kind, out = step[0], step[1]
        g = grad.pop(out)
        if kind == "relu":
            accumulate(step[2], g * step[3])
        elif kind == "add":
            accumulate(step[2], g)
            accumulate(step[3], g)
        else:
            _, _, inp, w, b, conv_cache = step
            d_inp, grads[w], grads[b] = conv2d_backward(g, conv_cache)
            accumulate(inp, d_inp)
    assert sorted(grads) == cache["keys"]
    return [grad["x"], grads]
