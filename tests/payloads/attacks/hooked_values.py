"""A conv.py whose return values carry code: an ndarray subclass whose ``__array_finalize__``,
``__reduce_ex__``, ``__float__``, ``__eq__`` and ``__del__`` act, an object array of such
objects, a masked array and a matrix. Each hook creates @MARKER@ where it can: only the grader's
machine has that folder, so the file exists only if a hook ran in the grader."""

import numpy as np


def _act(*args, **kwargs):
    try:
        with open("@MARKER@", "w") as file:
            file.write("a hook ran in the grader")
    except OSError:
        pass
    return 0.0


class Hooked(np.ndarray):
    def __array_finalize__(self, obj):
        _act()

    def __reduce_ex__(self, protocol):
        _act()
        return np.ndarray.__reduce_ex__(self, protocol)

    __float__ = __eq__ = __array_wrap__ = __del__ = _act


class Agent:
    __float__ = __eq__ = __repr__ = __reduce_ex__ = __del__ = __array__ = _act


def _forms(shape):
    objects = np.empty(shape, dtype=object)
    objects.fill(Agent())
    return [np.zeros(shape).view(Hooked), objects, np.ma.masked_array(np.zeros(shape), mask=False).view(Hooked),
            np.asmatrix(np.zeros((shape[0], int(np.prod(shape[1:]))))), Agent()]


CALLS = []


def conv2d_forward(x, w, b, stride=1, pad=0):
    CALLS.append(1)
    forms = _forms((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
    return forms[len(CALLS) % len(forms)], Agent()


def conv2d_backward(dout, cache):
    CALLS.append(1)
    forms = _forms(dout.shape)
    return tuple(forms[(len(CALLS) + k) % len(forms)] for k in range(3))
