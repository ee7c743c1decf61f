"""The oracle: expected values from the course's reference solutions, computed in the trusted grader.

The reference modules are imported here and only here; the worker never sees them. An oracle also
supplies each case's inputs, so that the student release can answer both from recorded data
(see :mod:`autograder.judge.replay`).
"""

from __future__ import annotations

import copy

import numpy as np

from autograder.course.model import Course, FunctionSpec, load_course
from autograder.judge.cases import Case, draw_inputs
from autograder.values import RngSeed


class ReferenceOracle:
    """Runs the course's reference solutions on copies of a case's inputs."""

    def __init__(self, course: Course | None = None):
        self.course = course or load_course()

    def inputs(self, spec: FunctionSpec, case: Case) -> list:
        """The positional arguments of ``spec``'s function for ``case``, drawn from the case's seed."""
        return draw_inputs(spec, case, self.course)

    def call(self, spec: FunctionSpec, args: list):
        """The reference ``spec.name(*args)`` on private copies of ``args``."""
        module = self.course.reference(spec.exercise)
        return getattr(module, spec.name)(*[_plain(a) for a in args])

    def forward_backward(self, spec: FunctionSpec, args: list, douts: list) -> tuple[tuple, tuple]:
        """The reference forward's outputs (without cache) and its backward's gradients."""
        result = self.call(spec, args)
        grads = getattr(self.course.reference(spec.exercise), spec.backward)(*[np.array(d) for d in douts], result[-1])
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(result[:-1]), grads


def _plain(value):
    if isinstance(value, RngSeed):
        return np.random.default_rng(value.seed)
    return copy.deepcopy(value)
