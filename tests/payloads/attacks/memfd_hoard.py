"""A conv.py that hoards memory no address-space limit sees: memfd files, written, never mapped.

It keeps creating 8 MiB memory files (under the file size limit) until something stops it or it
holds @LIMIT@ bytes four times over, then reports how much it held. A memory cgroup that counts
shared memory stops it (the worker is killed); a per-process limit does not.
"""

import os

HELD = []


def _hoard(limit):
    chunk, total = b"\1" * 2**20, 0
    try:
        while total < 4 * limit:
            fd = os.memfd_create("hoard")
            for _ in range(8):
                total += os.write(fd, chunk)
            HELD.append(fd)
    except OSError as error:
        return total, type(error).__name__
    return total, None


def conv2d_forward(x, w, b, stride=1, pad=0):
    total, error = _hoard(@LIMIT@)
    raise ValueError(f"HOARDED {total} BYTES ({error})")


def conv2d_backward(dout, cache):
    raise ValueError("no")
