"""What a check needs besides its case: the criterion, the submission's runner, the oracle and the course."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

import numpy as np

from autograder.course.model import Course, FunctionSpec
from autograder.course.rubric import Criterion
from autograder.judge.cases import Case
from autograder.judge.checks import vocabulary
from autograder.judge.checks.compare import Verdict, unpack_returned
from autograder.judge.diagnosis import Diagnosis, Outcome, diagnose, raised
from autograder.judge.oracle import ReferenceOracle
from autograder.results import CaseResult
from autograder.sandbox.runner import CacheHandle, CallResult, Runner

KNOWN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                             if isinstance(value, type) and issubclass(value, BaseException))
"""Exception names safe to repeat for hidden cases (a submission's own class name could carry data)."""


@dataclass
class Context:
    """The criterion being graded and the means to grade it.

    Attributes
    ----------
    criterion : Criterion
    runner : Runner
        Calls the submission's functions in the sandboxed worker.
    oracle : ReferenceOracle or ReplayOracle
        Draws a case's inputs and knows the expected values.
    course : Course
    """

    criterion: Criterion
    runner: Runner
    oracle: ReferenceOracle
    course: Course

    @property
    def spec(self) -> FunctionSpec:
        """How the criterion's function is called."""
        return self.criterion.spec

    def inputs(self, case: Case) -> list:
        """The function's positional arguments for ``case``."""
        return self.oracle.inputs(self.spec, case)

    def expected(self, case: Case, args: list):
        """The reference's return value on ``args`` (see :meth:`ReferenceOracle.call`), remembered for a
        public case only: its answer is the same for every student, a hidden case's for none other."""
        return self.oracle.call(self.spec, args, remember=not case.hidden)

    def expected_gradients(self, case: Case, args: list, douts: list, forward) -> tuple:
        """The reference's gradients for ``douts`` on ``args``, given its forward's return value ``forward``."""
        return self.oracle.forward_backward(self.spec, args, douts, remember=not case.hidden, forward=forward)[1]

    def result(self, case: Case, passed: bool, message: str = "", relative_error: float | None = None,
               diagnosis: Diagnosis | None = None, wrong: tuple[str, ...] = (), hidden: str | None = None
               ) -> CaseResult:
        """A case result carrying, when the case failed, the recognised mistake's hint or else the criterion's.

        A failed hidden case's message is ``hidden``, a phrase of :mod:`~autograder.judge.checks.vocabulary`
        (by default: the function gave no usable result), and it keeps no relative error: anything
        the submission controls (exception text, digits of an error, a dtype) could carry the case's values.
        Every failed case, public or hidden, records that phrase as its ``failure``.
        """
        failure = "" if passed else hidden or vocabulary.failed(self.criterion.function)
        if case.hidden:
            relative_error = None
            if not passed:
                message = failure
        if diagnosis and not passed:
            return CaseResult(case.label, passed, message, relative_error, diagnosis.misconception, diagnosis.hint,
                              wrong=wrong, failure=failure, title=diagnosis.title, evidence=diagnosis.evidence,
                              explaining=diagnosis.explaining)
        return CaseResult(case.label, passed, message, relative_error, hint=None if passed else self.criterion.hint,
                          wrong=wrong, failure=failure)

    def judged(self, case: Case, verdict: Verdict, diagnosis: Diagnosis | None = None) -> CaseResult:
        """The case result of a comparison's ``verdict``."""
        return self.result(case, verdict.passed, verdict.message, verdict.relative_error,
                           diagnosis or verdict.diagnosis, verdict.wrong, verdict.hidden)

    def diagnose(self, function: str, args: list, douts: list, actual: Outcome, observe: str = "returned",
                 tolerance: float | None = None) -> Diagnosis | None:
        """The catalogued mistake the submission's ``actual`` outcome shows, or None.

        An exercise whose file names a ``diagnoser`` (a plug-in) is diagnosed by it; a random one
        without is never diagnosed; any other by running its catalogued bugs on the same inputs
        (see :func:`autograder.judge.diagnosis.diagnose`). ``tolerance`` defaults to the criterion's.
        """
        name = self.course.exercise(self.spec.exercise).diagnoser
        if name:
            return self.course.hooks.diagnosers[name](self, observe, function, args, douts, actual)
        if self.spec.random:
            return None
        tolerance = self.criterion.tolerance if tolerance is None else tolerance
        return diagnose(self.course, self.spec, function, args, douts, actual, tolerance, observe)

    def diagnose_error(self, function: str, args: list, douts: list, call: CallResult) -> Diagnosis | None:
        """The catalogued mistake that raises the exception ``call`` raised; None when it did not raise."""
        return self.diagnose(function, args, douts, raised(call.error)) if call.error else None

    def problem(self, function: str, call: CallResult, case: Case) -> str:
        """Why a call gave no value, worded for the case's visibility.

        For a hidden case nothing the submission controls (exception text, output) is repeated,
        since it could carry the case's inputs.
        """
        if call.error and call.error.get("type") == "NotImplementedError":
            return f"{function} is not implemented yet (it raises NotImplementedError)"
        if call.failure or not case.hidden:
            return f"{function} {call.problem}"
        kind = call.error.get("type") if call.error else None
        return f"{function} raised {kind if kind in KNOWN_EXCEPTIONS else 'an exception'}"

    def run_forward(self, case: Case, args: list, keep_cache: bool = False, return_inputs: bool = False):
        """Call the submission's function and split its return value.

        Returns
        -------
        values : list or None
            The outputs, then the cache handle when ``keep_cache``; None when the call failed.
        call : CallResult
        problem : str
            Why there are no values, or "".
        """
        spec = self.spec
        call = self.runner.call(spec.exercise, spec.name, args, keep_cache=keep_cache and spec.cache,
                                return_inputs=return_inputs)
        if not call.ok:
            return None, call, self.problem(spec.name, call, case)
        values, problem = unpack_returned(call.value, len(spec.outputs), spec.cache, spec.name, not case.hidden)
        if values is not None and keep_cache and spec.cache and not isinstance(values[-1], CacheHandle):
            values, problem = None, f"{spec.name} returned no cache as its last value"
        return values, call, problem

    def run_decoy_forward(self, case: Case) -> None:
        """Call the forward once more, on other inputs of the same shapes, between a forward and its backward.

        A correct backward uses only its own cache, so this changes nothing; a backward that reads
        what the last forward left in a global variable gets the decoy's state and goes wrong.
        """
        decoy = self.spec.inputs.draw(case.params, case.rng("decoy"), accept=lambda name, args: True)
        call = self.runner.call(self.spec.exercise, self.spec.name, decoy, keep_cache=self.spec.cache)
        if call.ok and isinstance(call.value, (tuple, list)):
            self.runner.release(list(call.value[-1:]))  # the decoy's cache stays in the worker: it may be large

    def douts(self, case: Case, expected_outputs: tuple) -> list[np.ndarray]:
        """Random upstream gradients shaped like the outputs that have one."""
        rng = case.rng("dout")
        names = self.spec.outputs
        return [rng.standard_normal(np.shape(expected_outputs[names.index(name)])) for name in self.spec.upstream]

    def gradient_names(self) -> tuple[str, ...]:
        """Names of the backward's return values: ``dx``, ``dw`` ... and ``grads`` for a dict."""
        return self.spec.gradient_names


def normalize_gradients(value, count: int):
    """The backward's return value as a tuple of ``count`` values, or None if it has another form."""
    if count == 1:
        return (value[0],) if isinstance(value, (tuple, list)) and len(value) == 1 else (value,)
    if isinstance(value, (tuple, list)) and len(value) == count:
        return tuple(value)
    return None
