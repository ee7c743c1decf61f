"""The oracle: expected values from the reference solutions, computed in the trusted grader.

The reference package is imported here and only here; the worker never sees it. An oracle also
supplies each case's inputs, so that the student release can answer both from recorded data
(see :mod:`autograder.replay`).
"""

from __future__ import annotations

import copy
import importlib

import numpy as np

from autograder.cases import Case, build_inputs
from autograder.course import Layer, layer_of
from autograder.runner import RngSeed


class ReferenceOracle:
    """Runs the reference solutions on copies of a case's inputs."""

    def inputs(self, forward: str, case: Case) -> list:
        """The positional arguments of ``forward`` for ``case``, drawn from the case's seed."""
        return build_inputs(forward, case.params, case.rng("inputs"))

    def call(self, function: str, args: list):
        """``reference.<exercise>.<function>(*args)`` on private copies of ``args``."""
        module = importlib.import_module(f"reference.{layer_of(function).exercise}")
        return getattr(module, function)(*[_plain(a) for a in args])

    def forward_backward(self, layer: Layer, args: list, douts: list) -> tuple[tuple, tuple]:
        """The reference forward's outputs (without cache) and its backward's gradients."""
        result = self.call(layer.forward, args)
        grads = getattr(importlib.import_module(f"reference.{layer.exercise}"), layer.backward)(
            *[np.array(d) for d in douts], result[-1])
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(result[:-1]), grads


def _plain(value):
    if isinstance(value, RngSeed):
        return np.random.default_rng(value.seed)
    return copy.deepcopy(value)
