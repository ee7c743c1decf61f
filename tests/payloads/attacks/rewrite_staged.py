"""A conv.py that rewrites itself: at import it tries to replace every module of its staged folder
(and to add new ones) with a copy marked "rewritten", and its backward ends the worker, so that
the module the grader imports after restarting it would be the copy. Its forward says which
generation it is and what the rewriting did."""

import os

import numpy as np

GENERATION = "original"
HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = []


def _rewrite():
    copy = open(__file__).read().replace('GENERATION = "original"', 'GENERATION = "rewritten"')
    for name in ["conv.py", "pooling.py", "evil.py", "__init__.py"]:
        try:
            with open(os.path.join(HERE, name), "w") as file:
                file.write(copy)
            RESULTS.append(f"wrote {name}")
        except OSError as error:
            RESULTS.append(f"{name}: {type(error).__name__}")
    try:
        os.chmod(HERE, 0o777)
        RESULTS.append("chmod")
    except OSError:
        pass


_rewrite()


def conv2d_forward(x, w, b, stride=1, pad=0):
    print("REWRITE", GENERATION, ", ".join(RESULTS))
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None


def conv2d_backward(dout, cache):
    os._exit(3)
