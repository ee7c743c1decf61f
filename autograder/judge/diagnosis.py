"""Diagnosis: recognising a classic mistake from what a submission's code did on a failed case.

When a case fails, the grader runs the reference and every catalogued bug of the exercise
(:mod:`autograder.course.catalogue`) in its own trusted process, on the same inputs and the same
upstream gradients, and observes each of them the way the check observed the submission: the
outputs it compared, the gradients, the arguments after the call, or the exception raised.

A bug is named only when it explains the whole case: it behaves differently from the reference,
and every value the check compared (each output, each gradient, each argument) agrees with the
bug's within the criterion's tolerance, so a right value the bug gets wrong, or a wrong value the
bug gets right, rules it out. When no bug explains the case to the tolerance, the one bug that
explains every value to three digits (:data:`CLOSE`) while the reference is far off is clearly
the best explanation and is named; two such bugs that disagree leave the case unnamed. A return
value of another form than the contract's is compared whole.

One exception alone never names a mistake: different bugs raise the same error (a broadcast of
two shapes says nothing of how they came about). A bug that raises what the submission raised is
only a candidate, with ``evidence="exception"`` and every bug that raises the same listed in
``explaining``; grading keeps it only where the same mistake is recognised from values on a public
case of the exercise, or where it explains every failed public case of the exercise (see
:mod:`autograder.judge.grading`).

A diagnosis is a catalogue id, its title and the catalogue's fixed hint: it never carries a case's
value. A random function is never compared to one random stream: its exercise may name a plug-in
diagnoser instead.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import Literal, NamedTuple

import numpy as np

from autograder.course.model import Course, FunctionSpec
from autograder.values import RngSeed

ERROR_FLOOR = 1e-6
CLOSE = 1e-3
"""The relative error within which a bug still explains a value when none explains it to the tolerance."""
FAR = 0.1
"""How far (relative) the reference must be from such a bug, on some value, for it to be clearly the best."""
MAX_MESSAGE = 1000
RETURNED = "returned"
"""The single key of an outcome whose return value does not have the contract's form."""


class Raised(NamedTuple):
    """An exception in place of a return value: its type's name and its message."""

    type: str
    message: str


Evidence = Literal["values", "exception"]


class Diagnosis(NamedTuple):
    """A recognised mistake: the catalogue's id (``conv.flipped_kernel``), its hint and title, and the evidence.

    ``evidence`` is ``"values"`` when the case's values showed the mistake and ``"exception"`` when
    only the exception it raised did (never enough alone, see the module docstring); then
    ``explaining`` holds every catalogued bug that raises the same.
    """

    misconception: str
    hint: str
    title: str = ""
    evidence: Evidence = "values"
    explaining: tuple[str, ...] = ()


Outcome = dict | Raised
"""What one call did: named values (outputs, gradients or arguments afterwards), or an exception."""


def diagnose(course: Course, spec: FunctionSpec, function: str, args: list, douts: Sequence, actual: Outcome,
             tolerance: float, observe: str = "returned") -> Diagnosis | None:
    """The first catalogued bug of the exercise whose symptoms the submission shows on this case.

    Parameters
    ----------
    course : Course
    spec : FunctionSpec
        The function the failed criterion checks.
    function : str
        The function whose result was observed: ``spec``'s function or its backward (called after
        the forward, on ``douts``).
    args : list
        The forward's positional arguments for the case (copied before every call).
    douts : sequence of ndarray
        The upstream gradients the backward received; empty when ``function`` is the forward.
    actual : dict or Raised
        What the submission did, as built by :func:`outputs`, :func:`gradients`, :func:`arguments`
        or :func:`raised`; only the names it holds are compared.
    tolerance : float
        The criterion's tolerance on the relative error.
    observe : {"returned", "inputs"}
        Whether ``actual`` holds what ``function`` returned or the arguments after the call.

    Returns
    -------
    Diagnosis or None
        None when no bug of the catalogue explains the case (and always in the student release,
        which has no catalogue).
    """
    bugs = course.catalogue(spec.exercise)
    if not bugs:
        return None
    reference = run(course.reference(spec.exercise), spec, function, args, douts, observe)
    close, exact = [], []
    for bug in bugs:
        outcome = run(bug.load(), spec, function, args, douts, observe)
        fit = explains(actual, outcome, reference, tolerance)
        if fit == "exactly" and not isinstance(actual, Raised):
            return Diagnosis(bug.id, bug.hint, bug.title)
        if fit == "exactly":
            exact.append(bug)
        if fit == "closely":
            close.append((bug, outcome))
    if exact:
        return Diagnosis(exact[0].id, exact[0].hint, exact[0].title, "exception", tuple(b.id for b in exact))
    if close and all(_same(outcome, close[0][1], CLOSE) for _, outcome in close):
        return Diagnosis(close[0][0].id, close[0][0].hint, close[0][0].title)
    return None


def run(module: ModuleType, spec: FunctionSpec, function: str, args: list, douts: Sequence,
        observe: str = "returned") -> Outcome:
    """Call ``module``'s forward (then backward, when ``function`` is the backward) on copies and observe it.

    The module is trusted code (the reference or a catalogued bug); its exceptions become a
    :class:`Raised` outcome and its numerical warnings are silenced.
    """
    args, douts = copy.deepcopy(list(args)), copy.deepcopy(list(douts))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            result = getattr(module, spec.name)(*_plain(args))
            if function == spec.backward:
                grads = getattr(module, spec.backward)(*douts, result[-1])
        except Exception as error:
            return Raised(type(error).__name__, str(error)[:MAX_MESSAGE])
    if observe == "inputs":
        return {**arguments(spec.upstream_names, douts), **arguments(spec.args, args)}
    if function == spec.backward:
        return gradients(spec, grads)
    return outputs(spec.outputs, spec.split(result))


def explains(actual: Outcome, bug: Outcome, reference: Outcome, tolerance: float) -> str | None:
    """How well ``bug``'s outcome explains ``actual``: ``"exactly"``, ``"closely"`` or None.

    ``"exactly"``: the bug differs from the reference and every value of ``actual`` agrees with the
    bug's within ``tolerance`` (an exception: the same type and message). ``"closely"``: every value
    agrees within :data:`CLOSE` and the reference is at least :data:`FAR` off the bug on some value.
    Outcomes of different forms (an exception, values under other names) are compared whole.
    """
    if _same(bug, reference, tolerance):
        return None
    names = set(actual) if isinstance(actual, dict) else set()
    if not (names and isinstance(bug, dict) and isinstance(reference, dict) and names <= set(bug) & set(reference)):
        return "exactly" if _same(actual, bug, tolerance) else None
    if not any(not agrees(bug[name], reference[name], tolerance) for name in names):
        return None
    if all(agrees(actual[name], bug[name], tolerance) for name in names):
        return "exactly"
    if (all(agrees(actual[name], bug[name], max(CLOSE, tolerance)) for name in names)
            and any(not agrees(reference[name], bug[name], FAR) for name in names)):
        return "closely"
    return None


def _same(a: Outcome, b: Outcome, tolerance: float) -> bool:
    if isinstance(a, Raised) or isinstance(b, Raised):
        return a == b
    return set(a) == set(b) and all(agrees(a[name], b[name], tolerance) for name in a)


def agrees(value, model, tolerance: float) -> bool:
    """Whether ``value`` has the structure of ``model`` and its arrays are within ``tolerance`` of it.

    Arrays compare as the checks do (relative error ``max|value - model| / max(max|model|, 1e-6)``);
    NaNs must sit at the same places; integer and bool arrays (labels, indices) must be equal. Numbers compare
    as the checks compare them (an int exactly, a float within the tolerance). Dicts need the same keys, tuples
    and lists the same length.
    """
    if isinstance(model, dict):
        return (isinstance(value, dict) and set(value) == set(model)
                and all(agrees(value[key], model[key], tolerance) for key in model))
    if isinstance(model, (tuple, list)):
        return (isinstance(value, (tuple, list)) and len(value) == len(model)
                and all(agrees(v, m, tolerance) for v, m in zip(value, model)))
    if isinstance(model, (bool, int, float, np.bool_, np.integer, np.floating)):
        return _agrees_as_number(value, model, tolerance)
    if isinstance(model, np.ndarray) and model.dtype.kind in "biu":  # labels, indices: exactly
        return (type(value) is np.ndarray and value.dtype.kind == model.dtype.kind and value.shape == model.shape
                and bool(np.array_equal(value, model)))
    if not (isinstance(model, np.ndarray) and type(value) is np.ndarray and value.dtype.kind == model.dtype.kind == "f"):
        return False
    if value.shape != model.shape or not np.array_equal(np.isnan(value), np.isnan(model)):
        return False
    finite = ~np.isnan(model)
    scale = max(float(np.max(np.abs(model[finite]), initial=0.0)), ERROR_FLOOR)
    return bool(np.max(np.abs(value[finite] - model[finite]), initial=0.0) <= tolerance * scale)


def _agrees_as_number(value, model, tolerance: float) -> bool:
    """A number as the checks compare one: a bool or an int exactly (an int is no bool), a float within
    ``tolerance`` (NaN agrees with NaN, an infinity with itself). A 0-d array is no number here: whether a
    value is a numpy scalar or a 0-d array can be the very mistake a bug makes."""
    if isinstance(model, (bool, np.bool_)):
        return isinstance(value, (bool, np.bool_)) and bool(value) == bool(model)
    if isinstance(model, (int, np.integer)):
        integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
        return integer and int(value) == int(model)
    if not isinstance(value, (float, np.floating)):
        return False
    value, model = float(value), float(model)
    if not (math.isfinite(value) and math.isfinite(model)):
        return value == model or (math.isnan(value) and math.isnan(model))
    return abs(value - model) <= tolerance * max(abs(model), ERROR_FLOOR)


# -- outcomes, built the same way for the submission (in the checks) and for trusted modules ------


def outputs(names: Sequence[str], values: Sequence) -> dict:
    """A forward's outputs by name."""
    return dict(zip(names, values))


def gradients(spec: FunctionSpec, value) -> dict:
    """A backward's return value by gradient name (``dx``, ``dw`` ..., ``grads`` for a dict).

    A value of another form than the contract's is kept whole under ``"returned"``.
    """
    count = len(spec.wrt)
    if count == 1 and not (isinstance(value, (tuple, list)) and len(value) == 1):
        value = (value,)
    if not (isinstance(value, (tuple, list)) and len(value) == count):
        return {RETURNED: value}
    return dict(zip(spec.gradient_names, value))


def arguments(names: Sequence[str], values: Sequence) -> dict:
    """The array, dict and list arguments by name (numbers, flags and tuples cannot change in place)."""
    return {name: value for name, value in zip(names, values) if isinstance(value, (np.ndarray, dict, list))}


def raised(error: dict) -> Raised:
    """The outcome of a call that raised, from the worker's description of the exception."""
    return Raised(str(error.get("type")), str(error.get("message", ""))[:MAX_MESSAGE])


def _plain(args: list) -> list:
    """Arguments as a trusted module takes them: a generator seed becomes the generator."""
    return [np.random.default_rng(a.seed) if isinstance(a, RngSeed) else a for a in args]
