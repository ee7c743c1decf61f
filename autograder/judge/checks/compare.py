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

from autograder.judge.checks import vocabulary
from autograder.judge.diagnosis import Diagnosis
from autograder.sandbox.worker.wire import Opaque

ERROR_FLOOR = 1e-6


@dataclass
class Verdict:
    """The outcome of one comparison.

    Attributes
    ----------
    passed : bool
    message : str
        Why it failed, in full (shown for public cases).
    relative_error : float or None
        The largest relative error found.
    diagnosis : Diagnosis or None
        The mistake recognised.
    wrong : tuple of str
        The names of the values found wrong.
    hidden : str or None
        The message for a hidden case, from :mod:`~autograder.judge.checks.vocabulary` only.
    """

    passed: bool
    message: str = ""
    relative_error: float | None = None
    diagnosis: Diagnosis | None = None
    wrong: tuple[str, ...] = ()
    hidden: str | None = None


def _wrong(name: str, message: str, error: float | None = None) -> Verdict:
    """A failed comparison of the value called ``name``."""
    return Verdict(False, message, error, wrong=(name,), hidden=vocabulary.wrong((name,)))


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
        return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected a numpy.ndarray")
    if actual.dtype.kind != "f":
        dtype = actual.dtype if reveal or actual.dtype.kind in "biuc" else "another type"
        return _wrong(name, f"{name} has dtype {dtype}; expected a floating dtype (float64)")
    if actual.shape != expected.shape:
        if reveal:
            return _wrong(name, f"{name} has shape {actual.shape}; expected {expected.shape}")
        return _wrong(name, f"{name} has the wrong shape")
    if not np.all(np.isfinite(actual)):
        return _wrong(name, f"{name} contains NaN or infinite values")
    error = relative_error(actual.astype(np.float64), expected)
    if not error <= tolerance:  # NaN-safe
        return _wrong(name, f"{name} is wrong: relative error {format_error(error, reveal)} "
                              f"(tolerance {tolerance:g})", error)
    return Verdict(True, "", error)


def check_number(name: str, actual, expected, tolerance: float, reveal: bool) -> Verdict:
    """Check a returned number: an integer exactly (any integer type, not bool), a float within tolerance."""
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(actual, (bool, np.bool_)):
            return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected a bool")
        return Verdict(True) if bool(actual) == bool(expected) else _wrong(name, f"{name} is wrong")
    if isinstance(expected, (int, np.integer)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
            return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected an int")
        if int(actual) != int(expected):
            found = f" ({int(actual)}; expected {int(expected)})" if reveal else ""
            return _wrong(name, f"{name} is wrong{found}")
        return Verdict(True)
    floating = isinstance(actual, (float, np.floating)) or (type(actual) is np.ndarray and actual.shape == ()
                                                            and actual.dtype.kind == "f")
    if not floating:
        return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected a float")
    value = float(actual)
    if not np.isfinite(value):
        return _wrong(name, f"{name} is NaN or infinite")
    error = abs(value - float(expected)) / max(abs(float(expected)), ERROR_FLOOR)
    if not error <= tolerance:
        return _wrong(name, f"{name} is wrong: relative error {format_error(error, reveal)} "
                              f"(tolerance {tolerance:g})", error)
    return Verdict(True, "", error)


def check_structure(name: str, actual, expected, tolerance: float, reveal: bool) -> Verdict:
    """Check a returned value shaped like ``expected``: an array or a number, or a tuple, list or dict of them."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected a dict with keys "
                                  f"{sorted(expected)}")
        if set(actual) != set(expected):
            found = f"keys {sorted(actual)}" if reveal else "other keys"
            return _wrong(name, f"{name} has {found}; expected {sorted(expected)}")
        return combine([check_structure(f"{name}['{key}']", actual[key], expected[key], tolerance, reveal)
                        for key in expected])
    if isinstance(expected, (tuple, list)):
        kind = "tuple" if isinstance(expected, tuple) else "list"
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            count = f"{len(expected)} values" if reveal or kind == "tuple" else "values"
            return _wrong(name, f"{name} is {describe_type(actual, reveal)}; expected a {kind} of {count}")
        return combine([check_structure(f"{name}[{k}]", a, e, tolerance, reveal)
                        for k, (a, e) in enumerate(zip(actual, expected))])
    if isinstance(expected, (int, float, np.generic)):
        return check_number(name, actual, expected, tolerance, reveal)
    return check_array(name, actual, np.asarray(expected), tolerance, reveal)


def check_values(names: tuple, actual: list, expected: list, tolerance: float, reveal: bool) -> Verdict:
    """Check named returned values against the expected ones and combine the verdicts."""
    return combine([check_structure(n, a, e, tolerance, reveal) for n, a, e in zip(names, actual, expected)])


def combine(verdicts: list[Verdict]) -> Verdict:
    """One verdict for several values: passed if all passed, with every failure's message and wrong value."""
    errors = [v.relative_error for v in verdicts if v.relative_error is not None]
    failed = [v for v in verdicts if not v.passed]
    wrong = tuple(name for v in failed for name in v.wrong)
    if all(v.wrong and v.hidden == vocabulary.wrong(v.wrong) for v in failed):
        hidden = vocabulary.wrong(wrong) if failed else None
    else:
        hidden = failed[0].hidden if len(failed) == 1 else None
    return Verdict(not failed, "; ".join(v.message for v in failed), max(errors) if errors else None, wrong=wrong,
                   hidden=hidden)


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
