"""A sandboxed autograder for numpy implementations of CNN and RNN layers.

Importing the package sets ``OPENBLAS_NUM_THREADS=1`` unless it is set already, so that numpy,
loaded after it, runs its BLAS on one thread: the grader's reference computations are small, and
BLAS's other threads only spin between them (about 4% of a grade's CPU on two cores, measured with
``benchmarks/grade_cost.py``). Set the variable beforehand to choose otherwise. The sandboxed
worker always runs on one thread (see :mod:`autograder.sandbox.isolation`).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
