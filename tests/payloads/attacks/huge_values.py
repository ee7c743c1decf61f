"""A conv.py that returns values meant to exhaust the grader: a list nested 100000 deep, an array
of 200 MB, a tuple of 300000 small arrays, an integer of 10000 digits, a string of 4 MB, a dict of
200000 keys, NaN and infinity; one kind per call, in turn."""

import sys

import numpy as np

sys.setrecursionlimit(10**6)
CALLS = []


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def _huge(count):
    kinds = [lambda: _nested(100_000), lambda: np.zeros(25 * 2**20), lambda: tuple(np.zeros(1) for _ in range(300_000)),
             lambda: 10**10000, lambda: "x" * 4 * 2**20, lambda: {f"k{i}": i for i in range(200_000)},
             lambda: (float("nan"), float("inf")), lambda: np.full((2, 2), np.nan)]
    return kinds[count % len(kinds)]()


def conv2d_forward(x, w, b, stride=1, pad=0):
    CALLS.append(1)
    return _huge(len(CALLS)), None


def conv2d_backward(dout, cache):
    CALLS.append(1)
    return _huge(len(CALLS))
