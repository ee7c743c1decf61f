"""The one result object every report is written from.

A grade is a tree: a :class:`SubmissionResult` holds one :class:`ExerciseResult` per exercise
of the course (always all of them, in the course's order), each holding one
:class:`CriterionResult` per graded part of a rubric criterion, each holding the
:class:`CaseResult` of every case it ran. Every report (JSON, Markdown, HTML, Gradescope, CSV)
is a view of this tree; nothing is graded twice.

A criterion of a rubric with public and hidden cases is reported as two entries: ``<id>`` for
its public cases and ``<id>.hidden`` for its hidden ones, so that every entry's visibility is
exact and a hidden entry's text can be checked to hold no case values.

**One rounding rule.** Every number of points is rounded by :func:`points` (to
:data:`POINTS_DECIMALS` decimals) where it is made: a criterion entry's maximum when the entry is
created, its score, and every sum (an exercise's, the total, the late penalty). A report only
copies these numbers, so the JSON report, the feedback, Gradescope's ``results.json``, nbgrader's
gradebook and the gradebook CSV show the same points, and a result rebuilt from its JSON report
gives the same numbers again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Visibility = Literal["public", "hidden"]
UNSANDBOXED = "NOT sandboxed"
"""How the description of a sandbox that did not isolate the submission begins."""

POINTS_DECIMALS = 4
"""The decimals every number of points keeps, in every report."""


def points(value: float) -> float:
    """``value`` as points: a plain float rounded to :data:`POINTS_DECIMALS` decimals (never ``-0.0``).

    Parameters
    ----------
    value : float
        A score, a maximum, a sum of them or a penalty.

    Returns
    -------
    float
    """
    return round(float(value), POINTS_DECIMALS) + 0.0


def format_points(value: float) -> str:
    """Points as text, under the same rule, without trailing zeros: ``3``, ``2.5``, ``0.2857``."""
    return f"{points(value):.{POINTS_DECIMALS}f}".rstrip("0").rstrip(".")


@dataclass
class CaseResult:
    """The outcome of one case of one criterion.

    Attributes
    ----------
    label : str
        The kind of case, safe to show for hidden cases too ("stride 2, pad 1, 3 channels").
    passed : bool
    message : str
        What happened, for the student; never holds a hidden case's values.
    relative_error : float or None
        The largest relative error found, when values were compared.
    misconception, hint : str or None
        A recognised classic bug and the advice for it (for a failed case without one: the
        criterion's standing hint).
    wrong : tuple of str
        The names of the values (outputs, gradients, arguments) found wrong.
    features : tuple of str
        The exercise's features that hold for the case ("a stride above 1", "a single time step"),
        from what the rubric states about it, never from drawn values: safe for hidden cases too.
    failure : str
        For a failed case, what failed in the fixed vocabulary of hidden messages ("dx and dw
        are wrong on this case"), for public cases too: what feedback groups failures by. For a
        passed case, empty.
    title : str or None
        The recognised mistake's title ("Flipped kernel (a true convolution)").
    evidence : {"values", "exception"} or None
        How the mistake was recognised; grading keeps a mistake recognised from an exception only
        where values show it on a public case, or where it explains every failed public case.
    explaining : tuple of str
        For a mistake recognised from an exception: every catalogued mistake that raises the same, in catalogue order
        (used while grading, not reported).
    remark : str
        For a passed case, something the student should still know (a forward that loses
        precision), else empty.
    """

    label: str
    passed: bool
    message: str = ""
    relative_error: float | None = None
    misconception: str | None = None
    hint: str | None = None
    wrong: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    failure: str = ""
    title: str | None = None
    evidence: str | None = None
    remark: str = ""
    explaining: tuple[str, ...] = field(default=(), repr=False)


@dataclass
class CriterionResult:
    """One graded entry of a report: a rubric criterion's public or hidden cases.

    Attributes
    ----------
    id, description : str
    visibility : {"public", "hidden"}
    max_score : float
    cases : list of CaseResult
    note : str or None
        Why no case ran (a missing file, a gate not yet open), in place of the cases' messages.
    kind : str
        The rubric's kind of check (``forward``, ``backward``, ``gradcheck``, ``property``).
    function : str
        The function the criterion checks.
    compared : tuple of str
        The names of the values its cases compare (``out``; ``dx``, ``dw``, ``db``), so that
        feedback can say which are right as well as which are wrong.
    advice : str or None
        The criterion's standing hint, shown beside any recognised mistake.
    """

    id: str
    description: str
    visibility: Visibility
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)
    note: str | None = None
    kind: str = ""
    function: str = ""
    compared: tuple[str, ...] = ()
    advice: str | None = None

    def __post_init__(self) -> None:
        self.max_score = points(self.max_score)

    @property
    def score(self) -> float:
        """Points earned: the entry's points split evenly over its cases."""
        if not self.cases:
            return 0.0
        passed = sum(case.passed for case in self.cases)
        if passed == len(self.cases):
            return self.max_score
        return points(self.max_score * passed / len(self.cases))

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(case.passed for case in self.cases)

    @property
    def relative_error(self) -> float | None:
        errors = [case.relative_error for case in self.cases if case.relative_error is not None]
        return max(errors) if errors else None

    @property
    def misconception(self) -> str | None:
        return next((case.misconception for case in self.cases if case.misconception), None)

    @property
    def hint(self) -> str | None:
        diagnosed = next((case.hint for case in self.cases if case.misconception and case.hint), None)
        return diagnosed or next((case.hint for case in self.cases if not case.passed and case.hint), None)

    @property
    def message(self) -> str:
        """One paragraph for the student: what passed, and what failed in which kind of case."""
        if self.note:
            return self.note
        if not self.cases:
            return "No cases were run."
        failed = [case for case in self.cases if not case.passed]
        if not failed:
            return f"All {len(self.cases)} case(s) passed."
        lines = [f"{len(failed)} of {len(self.cases)} case(s) failed."]
        lines += [f"[{case.label}] {case.message}" for case in failed]
        return "\n".join(lines)


@dataclass
class ExerciseResult:
    """The grade of one exercise."""

    name: str
    criteria: list[CriterionResult] = field(default_factory=list)
    note: str | None = None

    @property
    def score(self) -> float:
        return points(sum(c.score for c in self.criteria))

    @property
    def max_score(self) -> float:
        return points(sum(c.max_score for c in self.criteria))


@dataclass(frozen=True)
class Lateness:
    """When a submission came in against its deadline, and the points the late policy took off.

    Attributes
    ----------
    submitted, deadline : str
        ISO 8601 times with their offset from UTC.
    seconds_late : float
        0 for a submission on time.
    penalty : float
        Points taken off the total (0 on time, or when the policy takes none).
    rule : str
        The policy that set the penalty, in words, for the student.
    """

    submitted: str
    deadline: str
    seconds_late: float
    penalty: float
    rule: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "penalty", points(self.penalty))

    @property
    def late(self) -> bool:
        return self.seconds_late > 0


@dataclass
class SubmissionResult:
    """The grade of one submission, the source of every report.

    ``status`` is ``"graded"``, or ``"error"`` when the submission could not be graded at all;
    ``reason`` then says why, for the instructor. ``score`` is the total after the late penalty, if
    any (``late``); ``raw_score`` the sum of the exercises' scores before it. ``code`` holds the
    modules graded, by file name (``conv.py``), as staged: read, never run by the grader; no report shows it.
    """

    submission: str
    exercises: list[ExerciseResult]
    mode: Literal["check", "grade"] = "grade"
    sandbox: str = ""
    seconds: float = 0.0
    output: str = ""
    status: str = "graded"
    reason: str | None = None
    identity: str = ""
    late: Lateness | None = None
    code: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def raw_score(self) -> float:
        """The sum of the exercises' scores, before any late penalty."""
        return points(sum(e.score for e in self.exercises))

    @property
    def penalty(self) -> float:
        """The points the late policy took off (never more than the raw score)."""
        return min(self.late.penalty, self.raw_score) if self.late else 0.0

    @property
    def score(self) -> float:
        """The total: the raw score less the late penalty."""
        return points(self.raw_score - self.penalty)

    @property
    def max_score(self) -> float:
        return points(sum(e.max_score for e in self.exercises))

    @property
    def sandboxed(self) -> bool:
        """Whether the submission ran in the sandbox (see ``sandbox``, the description of its isolation)."""
        return bool(self.sandbox) and not self.sandbox.startswith(UNSANDBOXED)

    def exercise(self, name: str) -> ExerciseResult:
        """The result of the exercise called ``name``."""
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(f"no exercise {name!r} in this result; it has {[e.name for e in self.exercises]}")
