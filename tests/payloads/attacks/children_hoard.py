"""A conv.py that spreads memory over child processes, each within its own address-space limit.

It forks @CHILDREN@ children; each touches @SHARE@ bytes, says so through a pipe, then sleeps. The
parent counts the memory of the children still alive once all have spoken. A memory cgroup over the
worker and all it starts bounds that sum; a per-process limit bounds each child only.
"""

import os
import time

import numpy as np


def _child(write_end, share):
    try:
        block = np.ones(share // 8)
        os.write(write_end, f"{block.nbytes}\n".encode())
        time.sleep(30)
    finally:
        os._exit(0)


def conv2d_forward(x, w, b, stride=1, pad=0):
    children = []
    for _ in range(@CHILDREN@):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            _child(write_end, @SHARE@)
        os.close(write_end)
        children.append((pid, read_end))
    spoke = [(pid, os.read(read_end, 64).decode().strip()) for pid, read_end in children]
    time.sleep(0.5)
    held = sum(int(text) for pid, text in spoke if text.isdigit() and os.waitpid(pid, os.WNOHANG) == (0, 0))
    raise ValueError(f"CHILDREN HELD {held} BYTES")


def conv2d_backward(dout, cache):
    raise ValueError("no")
