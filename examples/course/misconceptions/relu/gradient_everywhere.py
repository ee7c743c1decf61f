"""Passes the upstream gradient everywhere: the backward of the identity, not of the ReLU."""


def relu_backward(dout, cache):
    return dout.copy()
