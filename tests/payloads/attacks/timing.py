"""A conv.py that speaks through time: on every call it sleeps for a time set by the input's first
value (up to @MOST@ s) and returns zeros; a report that showed how long the hidden cases took, or
a message that changed with it, would carry the hidden input."""

import time

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    time.sleep(@MOST@ * (abs(float(x.flat[0])) % 1))
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    time.sleep(@MOST@ * (abs(float(dout.flat[0])) % 1))
    return np.zeros(1), np.zeros(1), np.zeros(1)
