"""Cases: a rubric case with its seed, and the secret hidden cases are seeded with.

A rubric case names only the kind of input ("x: [2, 3, 7, 7], w: [4, 3, 3, 3], stride: 2"). Its
values are drawn (as the exercise file's ``inputs`` say, see :mod:`autograder.course.inputs`) from a
generator seeded by the case's identity. Public cases use a fixed seed, so everyone sees the same
numbers; hidden cases are seeded by an HMAC of the instructor's secret and the submission's
identity, so every student gets different values that nobody can predict without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from autograder.course.model import Course, FunctionSpec
from autograder.judge.secret import DEFAULT_SECRET

PUBLIC_KEY = b"autograder-public-cases"
Visibility = Literal["public", "hidden"]


@dataclass(frozen=True)
class Secret:
    """The instructor's secret for hidden cases and where it came from."""

    value: bytes
    source: str

    @property
    def is_default(self) -> bool:
        return self.value == DEFAULT_SECRET


def load_secret() -> Secret:
    """The secret from ``AUTOGRADER_SECRET``, or the file named by ``AUTOGRADER_SECRET_FILE``,
    or the built-in default (fine for local use, never for a graded course).

    Raises
    ------
    RuntimeError
        In the student release, which has no default secret and no hidden cases.
    """
    if os.environ.get("AUTOGRADER_SECRET"):
        return Secret(os.environ["AUTOGRADER_SECRET"].encode(), "the AUTOGRADER_SECRET environment variable")
    path = os.environ.get("AUTOGRADER_SECRET_FILE")
    if path:
        return Secret(Path(path).read_bytes().strip(), f"the key file {path}")
    if DEFAULT_SECRET is None:
        raise RuntimeError("no secret for hidden cases: this is the student release, which grades the public cases "
                           "only; expected AUTOGRADER_SECRET or AUTOGRADER_SECRET_FILE to be set")
    return Secret(DEFAULT_SECRET, "the built-in default secret (set AUTOGRADER_SECRET for real grading)")


@dataclass(frozen=True)
class Case:
    """One concrete case of a criterion.

    Attributes
    ----------
    criterion : str
        The criterion's id.
    visibility : {"public", "hidden"}
    index : int
        Position among the criterion's cases of that visibility.
    label : str
        The kind of case, shown to students also for hidden cases.
    params : dict
        The rubric's keys for the case, without the label.
    seed : int
        Seeds every value the case draws.
    """

    criterion: str
    visibility: Visibility
    index: int
    label: str
    params: dict = field(hash=False)
    seed: int

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    def rng(self, stream: str = "inputs") -> np.random.Generator:
        """A generator for one use of the case (inputs, upstream gradients, directions ...)."""
        digest = hashlib.sha256(f"{self.seed}:{stream}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def case_seed(secret: Secret, identity: str, criterion: str, visibility: str, index: int) -> int:
    """The seed of a case: fixed for public cases, an HMAC of secret and submission for hidden ones."""
    if visibility == "public":
        key, message = PUBLIC_KEY, f"{criterion}|{index}"
    else:
        key, message = secret.value, f"{identity}|{criterion}|{visibility}|{index}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def make_cases(criterion, visibility: Visibility, secret: Secret | None, identity: str) -> list[Case]:
    """The concrete cases of one criterion's public or hidden part (public ones need no secret)."""
    specs = criterion.public if visibility == "public" else criterion.hidden
    return [Case(criterion.id, visibility, k, spec["label"], {key: v for key, v in spec.items() if key != "label"},
                 case_seed(secret, identity, criterion.id, visibility, k))
            for k, spec in enumerate(specs)]


def draw_inputs(spec: FunctionSpec, case: Case, course: Course, stream: str = "inputs") -> list:
    """The positional arguments of ``spec``'s function for ``case``, drawn from the case's ``stream``."""
    acceptors = course.hooks.acceptors

    def accept(name: str, args: list) -> bool:
        return acceptors[name](args, course)

    return spec.inputs.draw(case.params, case.rng(stream), accept)
