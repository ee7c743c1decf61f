"""Diagnosis: recognising a classic mistake from what a submission's code did on a failed case.

When a case fails, the grader runs the reference and every catalogued bug of the exercise
(:mod:`autograder.misconceptions`) in its own trusted process, on the same inputs and the same
upstream gradients, and observes each of them the way the check observed the submission: the
outputs it compared, the gradients, the arguments after the call, or the exception raised.

A bug is recognised when it behaves differently from the reference on this case and the
submission shows all of its symptoms: every value on which the bug differs from the reference,
the submission has too, within the criterion's tolerance. Values on which the bug agrees with the
reference are not looked at, so an unrelated second mistake does not hide the first. An exception
is one value (its type and message), and so is a return value of another form than the contract's.

A diagnosis is a catalogue id and the catalogue's fixed hint: it never carries a case's value.
A random function is never compared to one random stream: its exercise may name a plug-in diagnoser instead.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import NamedTuple

import numpy as np

from autograder.course.model import Course, FunctionSpec
from autograder.values import RngSeed

ERROR_FLOOR = 1e-6
MAX_MESSAGE = 1000
RETURNED = "returned"
"""The single key of an outcome whose return value does not have the contract's form."""


class Raised(NamedTuple):
    """An exception in place of a return value: its type's name and its message."""

    type: str
    message: str


class Diagnosis(NamedTuple):
    """A recognised mistake: the catalogue's id (``conv.flipped_kernel``) and its hint."""

    misconception: str
    hint: str


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
    for bug in bugs:
        outcome = run(bug.load(), spec, function, args, douts, observe)
        if shows_symptoms(actual, outcome, reference, tolerance):
            return Diagnosis(bug.id, bug.hint)
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


def shows_symptoms(actual: Outcome, bug: Outcome, reference: Outcome, tolerance: float) -> bool:
    """Whether ``actual`` has every value on which ``bug`` differs from ``reference`` (and there is one).

    Outcomes of different forms (an exception, values under other names) are compared whole.
    """
    names = set(actual) if isinstance(actual, dict) else set()
    if not (names and isinstance(bug, dict) and isinstance(reference, dict) and names <= set(bug) & set(reference)):
        return _same(actual, bug, tolerance) and not _same(bug, reference, tolerance)
    symptoms = [name for name in names if not agrees(bug[name], reference[name], tolerance)]
    return bool(symptoms) and all(agrees(actual[name], bug[name], tolerance) for name in symptoms)


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
