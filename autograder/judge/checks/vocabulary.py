"""The fixed vocabulary of hidden cases' messages.

A hidden case's message may depend on nothing the submission controls beyond whether the case
passed and which of its values are wrong: no exception type or text, no magnitude, no dtype, no
shape, no timing, nothing the submission printed. Every message a failed hidden case can carry is
built here, from the names the course gives (functions, outputs, gradients, arguments) and fixed
words; :func:`patterns` lists them all, so a test can prove that nothing else ever appears.
"""

from __future__ import annotations

import re
from typing import Literal

from autograder.course.model import FunctionSpec

NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\[(?:\d+|'[A-Za-z0-9_]+')\])*"
"""A value's name in a message: ``dx``, ``grads['W1']``, ``clipped[2]``."""


def listing(names: tuple[str, ...]) -> str:
    """``dx``, ``dx and dw``, ``dx, dw and db``."""
    names = tuple(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def wrong(names: tuple[str, ...]) -> str:
    """Some returned values are wrong (in value, shape, type or finiteness: the message does not say which)."""
    return f"{listing(names)} {'is' if len(set(names)) == 1 else 'are'} wrong on this case"


def disagree(names: tuple[str, ...]) -> str:
    """Gradients that disagree with central differences of the submission's own forward."""
    verb = "disagrees" if len(set(names)) == 1 else "disagree"
    return f"{listing(names)} {verb} with central differences of your forward on this case"


def imprecise(function: str, names: tuple[str, ...]) -> str:
    """Gradients central differences cannot check because the forward loses precision (float32)."""
    return (f"{listing(names)} cannot be checked by central differences on this case: {function} loses precision "
            f"(float32?), which swamps them")


def imprecise_passed(function: str, names: tuple[str, ...]) -> str:
    """The remark of a passed gradient check that agreed only at larger steps."""
    verb = "agrees" if len(set(names)) == 1 else "agree"
    return (f"{listing(names)} {verb} with central differences only at larger steps: {function} loses precision "
            f"(float32?); compute it in float64")


def forward_wrong(function: str) -> str:
    """A gradient check that does not count because the forward it differentiates is wrong."""
    return f"{function} is wrong on this case, so the gradient check does not count here: fix the forward first"


def modified(function: str, names: tuple[str, ...]) -> str:
    """A function that changed its arguments in place."""
    return f"{function} modified {listing(names)} in place"


def no_value_error(function: str) -> str:
    """An invalid argument that did not raise ValueError (accepted, or another exception)."""
    return f"{function} did not raise ValueError on this invalid argument"


def failed(function: str) -> str:
    """Anything else: the call raised, crashed, hung or returned something of another form."""
    return f"{function} gave no usable result on this case (it raised, stopped, or returned another form)"


Kind = Literal["wrong", "disagree", "imprecise", "forward_wrong", "modified", "no_value_error", "failed"]

_KINDS: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("wrong", r".* (?:is|are) wrong on this case"),
    ("disagree", r".* disagrees? with central differences of your forward on this case"),
    ("imprecise", r".* cannot be checked by central differences on this case: .*"),
    ("forward_wrong", r"\S+ is wrong on this case, so the gradient check does not count here: .*"),
    ("modified", r"\S+ modified .* in place"),
    ("no_value_error", r"\S+ did not raise ValueError on this invalid argument"),
    ("failed", r"\S+ gave no usable result on this case .*"),
))


def kind(phrase: str) -> Kind | None:
    """Which phrase of the vocabulary ``phrase`` is (a case's ``failure``), or None for another text."""
    for name, pattern in (_KINDS[3], *_KINDS[:3], *_KINDS[4:]):
        if pattern.fullmatch(phrase):
            return name
    return None


def patterns(spec: FunctionSpec) -> list[re.Pattern]:
    """Every message a failed hidden case of ``spec``'s criteria can carry, as full-match patterns."""
    functions = "|".join(re.escape(n) for n in (spec.name, spec.backward) if n)
    names = rf"{NAME}(?:, {NAME})*(?: and {NAME})?"
    return [re.compile(p) for p in (
        rf"{names} (?:is|are) wrong on this case",
        rf"{names} disagrees? with central differences of your forward on this case",
        rf"{names} cannot be checked by central differences on this case: (?:{functions}) loses precision "
        rf"\(float32\?\), which swamps them",
        rf"(?:{functions}) is wrong on this case, so the gradient check does not count here: fix the forward first",
        rf"(?:{functions}) modified {names} in place",
        rf"(?:{functions}) did not raise ValueError on this invalid argument",
        rf"(?:{functions}) gave no usable result on this case \(it raised, stopped, or returned another form\)",
    )]
