"""A conv.py that floods every output it has: 64 MB printed per call, 64 MB written to the raw
file descriptors 1 and 2, and garbage written to every other descriptor it holds open (the
grader's channel among them)."""

import os
import sys

import numpy as np

CHUNK = "FLOOD " * (2**20 // 6)


def _flood():
    for _ in range(64):
        print(CHUNK)
        sys.__stderr__.write(CHUNK)
    for fd in (1, 2):
        try:
            for _ in range(64):
                os.write(fd, CHUNK.encode())
        except OSError:
            pass


_flood()


def conv2d_forward(x, w, b, stride=1, pad=0):
    _flood()
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    for fd in map(int, os.listdir("/proc/self/fd")):
        try:
            os.write(fd, b"\0\0\0\0\0\0\0\x10garbage")
        except OSError:
            pass
    return np.zeros(1), np.zeros(1), np.zeros(1)
