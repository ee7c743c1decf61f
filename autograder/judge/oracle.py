"""The oracle: expected values from the course's reference solutions, computed in the trusted grader.

The reference modules are imported here and only here; the worker never sees them. An oracle also
supplies each case's inputs, so that the student release can answer both from recorded data
(see :mod:`autograder.judge.replay`).

The reference is deterministic, so an oracle remembers its answers: keyed by the exact values it
was called with (:func:`~autograder.judge.replay.call_key`), they are the same for every student
on a public case. A hidden case's answers are not remembered (no other student gets its values);
a backward check hands the forward's return value on to :meth:`ReferenceOracle.forward_backward`,
so the reference forward runs once per case. Public cases' inputs are remembered too. One oracle
serves every submission a process grades (:meth:`ReferenceOracle.shared`); what it remembers is bounded.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

import numpy as np

from autograder.course.model import Course, FunctionSpec, load_course
from autograder.judge.cases import Case, draw_inputs
from autograder.values import RngSeed

MEMORY = 4096
"""How many answers an oracle remembers (least recently used first out): far more than the public
cases of a course, so those stay while each student's hidden ones come and go."""


class ReferenceOracle:
    """Runs the course's reference solutions on copies of a case's inputs."""

    def __init__(self, course: Course | None = None, memory: int = MEMORY):
        self.course = course or load_course()
        self.memory = memory
        self._answers: OrderedDict[str, object] = OrderedDict()
        self._public_inputs: dict[tuple, list] = {}
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, course: Course) -> ReferenceOracle:
        """The one oracle of ``course`` in this process, so that submissions graded one after another share answers."""
        with _shared_lock:
            oracle = _shared.get(id(course))
            if oracle is None or oracle.course is not course:
                oracle = _shared[id(course)] = cls(course)
            return oracle

    def inputs(self, spec: FunctionSpec, case: Case) -> list:
        """The positional arguments of ``spec``'s function for ``case``, drawn from the case's seed."""
        if case.hidden:
            return draw_inputs(spec, case, self.course)
        key = (spec.name, case.criterion, case.index, case.seed)
        if key not in self._public_inputs:
            self._public_inputs[key] = draw_inputs(spec, case, self.course)
        return copy.deepcopy(self._public_inputs[key])

    def call(self, spec: FunctionSpec, args: list, remember: bool = True):
        """The reference ``spec.name(*args)`` on private copies of ``args``.

        ``remember=False`` neither looks the answer up nor keeps it: for a hidden case, whose values no
        other student gets, hashing and copying them would cost more than it saves.
        """
        if not remember:
            return self._call(spec, args)
        return self._remembered(spec.name, [args], lambda: self._call(spec, args))

    def forward_backward(self, spec: FunctionSpec, args: list, douts: list, remember: bool = True,
                         forward=None) -> tuple[tuple, tuple]:
        """The reference forward's outputs (without cache) and its backward's gradients.

        ``forward``, the reference forward's return value on ``args`` (from :meth:`call`), spares
        running the forward again; ``remember`` is as for :meth:`call`.
        """
        def compute():
            result = forward if forward is not None else self.call(spec, args, remember)
            grads = getattr(self.course.reference(spec.exercise), spec.backward)(*[np.array(d) for d in douts],
                                                                                 result[-1])
            return tuple(result[:-1]), grads if isinstance(grads, tuple) else (grads,)

        return self._remembered(f"{spec.name}+{spec.backward}", [args, douts], compute) if remember else compute()

    def _call(self, spec: FunctionSpec, args: list):
        module = self.course.reference(spec.exercise)
        return getattr(module, spec.name)(*[_plain(a) for a in args])

    def _remembered(self, function: str, values: list, compute):
        """``compute()``, or a copy of its remembered value for the same function and values."""
        from autograder.judge.replay import answer_key  # replay imports this module

        key = answer_key(function, values)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return copy.deepcopy(self._answers[key])
        answer = compute()
        if key is not None:
            with self._lock:
                self._answers[key] = copy.deepcopy(answer)
                while len(self._answers) > self.memory:
                    self._answers.popitem(last=False)
        return answer


_shared: dict[int, ReferenceOracle] = {}
_shared_lock = threading.Lock()


def _plain(value):
    if isinstance(value, RngSeed):
        return np.random.default_rng(value.seed)
    return copy.deepcopy(value)
