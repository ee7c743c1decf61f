"""A ReLU with a boolean mask kept in the cache: a correct style the reference does not use."""

import numpy as np


def relu_forward(x):
    mask = x > 0
    return x * mask, mask


def relu_backward(dout, mask):
    return dout * mask
