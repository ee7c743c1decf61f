"""Comparing what a submission returned with what was expected, in the trusted grader.

Every returned array is checked in this order: it is a plain ``numpy.ndarray``, its dtype is
floating, its shape is exact, it is finite, and its relative error is within tolerance. A float
(a loss, a norm) is checked the same way as a number; an integer (a shape, a count) must be an
integer and equal; tuples, lists and dicts are checked item by item. For a hidden case the
messages name what is wrong but never a shape or a value of the case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.judge.diagnosis import Diagnosis
from autograder.sandbox.worker.wire import Opaque

ERROR_FLOOR = 1e-6


@dataclass
class Verdict:
    """The outcome of one comparison: passed or not, why, the largest relative error, the mistake recognised."""

    passed: bool
    message: str = ""
    relative_error: float | None = None
    diagnosis: Diagnosis | None = None


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """``max|actual - expected| / max(max|expected|, 1e-6)``: a normwise relative error."""
    scale = max(float(np.max(np.abs(expected), initial=0.0)), ERROR_FLOOR)
    return float(np.max(np.abs(actual - expected), initial=0.0)) / scale


SAFE_TYPE_NAMES = frozenset({"ndarray", "list", "tuple", "dict", "float", "int", "bool", "str", "NoneType",
                             "float64", "float32", "int64", "int32", "bool_", "matrix", "memmap", "cache"})
"""Type names that can be repeated for hidden cases: a submission's own class name could carry data."""


def describe_type(value, reveal: bool = True) -> str:
    """A student-readable name for the type of something a submission returned.

    For hidden cases (``reveal=False``) a name the submission chose itself is not repeated.
    """
    name = value.type_name if isinstance(value, Opaque) else type(value).__name__
    if not reveal:
        name = name.split(" ")[0]
        if name not in SAFE_TYPE_NAMES:
            return "an object of another type"
    if isinstance(value, np.generic):
        return f"a numpy scalar ({name})"
    return name


def format_error(error: float, reveal: bool) -> str:
    """A relative error for a message; rounded to one significant digit for hidden cases."""
    return f"{error:.3g}" if reveal else f"about {float(f'{error:.0e}'):.0e}"


def check_array(name: str, actual, expected: np.ndarray, tolerance: float, reveal: bool) -> Verdict:
    """Check one returned array against the expected one."""
    if not isinstance(actual, np.ndarray) or type(actual) is not np.ndarray:
        return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected a numpy.ndarray")
    if actual.dtype.kind != "f":
        dtype = actual.dtype if reveal or actual.dtype.kind in "biuc" else "another type"
        return Verdict(False, f"{name} has dtype {dtype}; expected a floating dtype (float64)")
    if actual.shape != expected.shape:
        if reveal:
            return Verdict(False, f"{name} has shape {actual.shape}; expected {expected.shape}")
        return Verdict(False, f"{name} has the wrong shape")
    if not np.all(np.isfinite(actual)):
        return Verdict(False, f"{name} contains NaN or infinite values")
    error = relative_error(actual.astype(np.float64), expected)
    if not error <= tolerance:  # NaN-safe
        return Verdict(False, f"{name} is wrong: relative error {format_error(error, reveal)} "
                              f"(tolerance {tolerance:g})", error)
    return Verdict(True, "", error)


def check_number(name: str, actual, expected, tolerance: float, reveal: bool) -> Verdict:
    """Check a returned number: an integer exactly (any integer type, not bool), a float within tolerance."""
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(actual, (bool, np.bool_)):
            return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected a bool")
        return Verdict(bool(actual) == bool(expected), "" if bool(actual) == bool(expected) else f"{name} is wrong")
    if isinstance(expected, (int, np.integer)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
            return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected an int")
        if int(actual) != int(expected):
            found = f" ({int(actual)}; expected {int(expected)})" if reveal else ""
            return Verdict(False, f"{name} is wrong{found}")
        return Verdict(True)
    floating = isinstance(actual, (float, np.floating)) or (type(actual) is np.ndarray and actual.shape == ()
                                                            and actual.dtype.kind == "f")
    if not floating:
        return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected a float")
    value = float(actual)
    if not np.isfinite(value):
        return Verdict(False, f"{name} is NaN or infinite")
    error = abs(value - float(expected)) / max(abs(float(expected)), ERROR_FLOOR)
    if not error <= tolerance:
        return Verdict(False, f"{name} is wrong: relative error {format_error(error, reveal)} "
                              f"(tolerance {tolerance:g})", error)
    return Verdict(True, "", error)


def check_structure(name: str, actual, expected, tolerance: float, reveal: bool) -> Verdict:
    """Check a returned value shaped like ``expected``: an array or a number, or a tuple, list or dict of them."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected a dict with keys "
                                  f"{sorted(expected)}")
        if set(actual) != set(expected):
            found = f"keys {sorted(actual)}" if reveal else "other keys"
            return Verdict(False, f"{name} has {found}; expected {sorted(expected)}")
        return combine([check_structure(f"{name}['{key}']", actual[key], expected[key], tolerance, reveal)
                        for key in expected])
    if isinstance(expected, (tuple, list)):
        kind = "tuple" if isinstance(expected, tuple) else "list"
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            count = f"{len(expected)} values" if reveal or kind == "tuple" else "values"
            return Verdict(False, f"{name} is {describe_type(actual, reveal)}; expected a {kind} of {count}")
        return combine([check_structure(f"{name}[{k}]", a, e, tolerance, reveal)
                        for k, (a, e) in enumerate(zip(actual, expected))])
    if isinstance(expected, (int, float, np.generic)):
        return check_number(name, actual, expected, tolerance, reveal)
    return check_array(name, actual, np.asarray(expected), tolerance, reveal)


def check_values(names: tuple, actual: list, expected: list, tolerance: float, reveal: bool) -> Verdict:
    """Check named returned values against the expected ones and combine the verdicts."""
    return combine([check_structure(n, a, e, tolerance, reveal) for n, a, e in zip(names, actual, expected)])


def combine(verdicts: list[Verdict]) -> Verdict:
    """One verdict for several values: passed if all passed, with every failure's message."""
    errors = [v.relative_error for v in verdicts if v.relative_error is not None]
    failed = [v.message for v in verdicts if not v.passed]
    return Verdict(not failed, "; ".join(failed), max(errors) if errors else None)


def unpack_returned(value, count: int, has_cache: bool, function: str, reveal: bool) -> tuple[list | None, str]:
    """Split a forward's return value into its outputs (and cache); say what is wrong if it cannot be.

    Returns
    -------
    values : list or None
        The ``count`` outputs followed by the cache (when the forward returns one).
    problem : str
        Why the value does not have the contract's form, or "".
    """
    expected = count + int(has_cache)
    if expected == 1:
        return [value], ""
    form = "a tuple (" + ", ".join(["out"] * count + ["cache"] * has_cache) + ")"
    if not isinstance(value, (tuple, list)):
        return None, f"{function} returned {describe_type(value, reveal)}; expected {form}"
    if len(value) != expected:
        found = f"{len(value)} values" if reveal else "another number of values"
        return None, f"{function} returned {found}; expected {expected}"
    return list(value), ""
