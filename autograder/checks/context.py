"""What a check needs besides its case: the criterion, the submission's runner and the oracle."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import numpy as np

from autograder.cases import Case, build_inputs
from autograder.checks.compare import unpack_returned
from autograder.course import Layer
from autograder.diagnosis import Diagnosis, Outcome, diagnose, gradient_names, raised
from autograder.oracle import ReferenceOracle
from autograder.results import CaseResult
from autograder.rubric import Criterion
from autograder.runner import CacheHandle, CallResult, Runner

KNOWN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                             if isinstance(value, type) and issubclass(value, BaseException))
"""Exception names safe to repeat for hidden cases (a submission's own class name could carry data)."""


@dataclass
class Context:
    """The criterion being graded and the means to grade it."""

    criterion: Criterion
    runner: Runner
    oracle: ReferenceOracle = field(default_factory=ReferenceOracle)

    @property
    def layer(self) -> Layer:
        return self.criterion.layer

    def inputs(self, case: Case) -> list:
        """The forward's positional arguments for ``case``."""
        return build_inputs(self.layer.forward, case.params, case.rng("inputs"))

    def result(self, case: Case, passed: bool, message: str = "", relative_error: float | None = None,
               diagnosis: Diagnosis | None = None) -> CaseResult:
        """A case result carrying, when the case failed, the recognised mistake's hint or else the criterion's.

        A hidden case keeps no relative error: its digits would let a submission read hidden inputs
        or expected values back out of the report (an output off by a tiny amount that encodes x).
        """
        if case.hidden:
            relative_error = None
        if diagnosis:
            return CaseResult(case.label, passed, message, relative_error, diagnosis.misconception, diagnosis.hint)
        return CaseResult(case.label, passed, message, relative_error,
                          hint=None if passed else self.criterion.hint)

    def diagnose(self, function: str, args: list, douts: list, actual: Outcome, observe: str = "returned",
                 tolerance: float | None = None) -> Diagnosis | None:
        """The catalogued mistake the submission's ``actual`` outcome shows (see :func:`autograder.diagnosis.diagnose`).

        ``tolerance`` defaults to the criterion's.
        """
        tolerance = self.criterion.tolerance if tolerance is None else tolerance
        return diagnose(self.layer, function, args, douts, actual, tolerance, observe)

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
        """Call the submission's forward and split its return value.

        Returns
        -------
        values : list or None
            The outputs, then the cache handle when ``keep_cache``; None when the call failed.
        call : CallResult
        problem : str
            Why there are no values, or "".
        """
        layer = self.layer
        call = self.runner.call(layer.exercise, layer.forward, args, keep_cache=keep_cache and layer.has_cache,
                                return_inputs=return_inputs)
        if not call.ok:
            return None, call, self.problem(layer.forward, call, case)
        values, problem = unpack_returned(call.value, len(layer.outputs), layer.has_cache, layer.forward,
                                          not case.hidden)
        if values is not None and keep_cache and layer.has_cache and not isinstance(values[-1], CacheHandle):
            values, problem = None, f"{layer.forward} returned no cache as its last value"
        return values, call, problem

    def run_decoy_forward(self, case: Case) -> None:
        """Call the forward once more, on other inputs of the same shapes, between a forward and its backward.

        A correct backward uses only its own cache, so this changes nothing; a backward that reads
        what the last forward left in a global variable gets the decoy's state and goes wrong.
        """
        decoy = build_inputs(self.layer.forward, case.params, case.rng("decoy"))
        self.runner.call(self.layer.exercise, self.layer.forward, decoy)

    def douts(self, case: Case, expected_outputs: tuple) -> list[np.ndarray]:
        """Random upstream gradients shaped like the differentiable outputs."""
        rng = case.rng("dout")
        names = self.layer.outputs
        return [rng.standard_normal(np.shape(expected_outputs[names.index(name)]))
                for name in self.layer.differentiable]

    def gradient_names(self) -> tuple[str, ...]:
        """Names of the backward's return values: ``dx``, ``dw`` ... and ``grads`` for a dict."""
        return gradient_names(self.layer)


def normalize_gradients(value, count: int):
    """The backward's return value as a tuple of ``count`` values, or None if it has another form."""
    if count == 1:
        return (value[0],) if isinstance(value, (tuple, list)) and len(value) == 1 else (value,)
    if isinstance(value, (tuple, list)) and len(value) == count:
        return tuple(value)
    return None
