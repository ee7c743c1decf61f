"""A conv.py that stops processes instead of killing them: the grader (its host pid), its own
parent, every process it may signal, then itself. A stopped worker must cost its calls only."""

import os
import signal

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    for target in (@GRADER@, os.getppid(), -1, 0):
        try:
            os.kill(target, signal.SIGSTOP)
        except OSError:
            pass
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    os.kill(os.getpid(), signal.SIGSTOP)
    return np.zeros(1), np.zeros(1), np.zeros(1)
