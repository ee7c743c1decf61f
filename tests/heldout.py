"""Realistic bugs kept apart from the catalogue (``tests/corpus/uncatalogued/``): how they are read, graded and judged.

The catalogue (``misconceptions/``) is what diagnosis knows; these bugs are what it has never seen,
written independently of it, so that the share of them whose feedback names the mistake (the
*hint rate*) measures how well diagnosis carries over to the mistakes students really make.

``tests/corpus/uncatalogued/<exercise>/<bug>.py`` holds one bug: a docstring whose first line says
which, then the functions of ``reference/<exercise>.py`` it changes (or a whole module), in the
catalogue's form: the bug's module is the reference with that code after it. When a catalogued
misconception really is the same mistake, a docstring line ``Same mistake as: <exercise>.<bug>``
declares it; then feedback that names it, or a bug the catalogue lists as giving the same results
(``alike``), is a hit. Any other name is a *wrong* diagnosis, "worse than none".

Shared by ``tests/test_uncatalogued.py`` (every bug loses points and is never named wrongly) and
``benchmarks/hint_rate.py`` (the hint rate per exercise).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder.course.catalogue import misconception, on_reference
from autograder.course.model import Course, load_course
from autograder.course.rubric import load_rubrics
from autograder.judge.cases import Secret
from autograder.judge.grading import grade
from autograder.judge.mutation import build_submission
from autograder.results import SubmissionResult

UNCATALOGUED = Path(__file__).parent / "corpus" / "uncatalogued"
SECRET = Secret(b"uncatalogued-bugs", "test")
"""The hidden cases' secret: fixed, so that every run grades the same cases."""
DECLARATION = re.compile(r"^Same mistake as: (\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class HeldOutBug:
    """One uncatalogued bug: its exercise, its file, what its docstring says and the mistake it declares."""

    exercise: str
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def id(self) -> str:
        return f"{self.exercise}.{self.name}"

    @property
    def docstring(self) -> str:
        text = self.path.read_text()
        match = re.match(r'\s*"""(.*?)"""', text, re.DOTALL)
        return match.group(1).strip() if match else ""

    @property
    def title(self) -> str:
        """The docstring's first line: what the bug does."""
        return self.docstring.splitlines()[0] if self.docstring else ""

    @property
    def declared(self) -> str | None:
        """The catalogued misconception this bug declares it is, if any."""
        found = DECLARATION.findall(self.docstring)
        return found[0] if found else None

    def source(self, course: Course) -> str:
        """The bug's whole module: the reference module of its exercise, then the bug's code."""
        return on_reference(course.reference_dir / f"{self.exercise}.py", self.path.read_text())


def held_out_bugs(course: Course | None = None) -> list[HeldOutBug]:
    """Every uncatalogued bug, in course order, then by name."""
    course = course or load_course()
    return [HeldOutBug(exercise, path) for exercise in course.names
            for path in sorted((UNCATALOGUED / exercise).glob("*.py"))]


@dataclass(frozen=True)
class Feedback:
    """What grading said about one uncatalogued bug."""

    bug: HeldOutBug
    lost_points: bool
    named: frozenset[str]
    """Every misconception some case named, on the bug's exercise or on one that imports it."""
    accepted: frozenset[str]
    """The names that are right for this bug: the declared mistake and the bugs listed alike with it."""

    @property
    def hit(self) -> bool:
        """The feedback names the declared mistake (or a bug that gives the same results)."""
        return bool(self.named & self.accepted)

    @property
    def wrong(self) -> frozenset[str]:
        """Names that are not this bug's: diagnoses that point the wrong way."""
        return self.named - self.accepted


def accepted_names(declared: str | None, course: Course) -> frozenset[str]:
    """The declared misconception and those the catalogue lists alike with it (either way round)."""
    if declared is None:
        return frozenset()
    bug = misconception(declared, course)
    names = {declared} | {f"{bug.exercise}.{other}" for other, _ in bug.alike}
    names |= {other.id for other in course.catalogue(bug.exercise) if bug.name in dict(other.alike)}
    return frozenset(names)


@lru_cache(maxsize=None)
def graded(bug: HeldOutBug) -> SubmissionResult:
    """The reference with ``bug`` in its exercise, graded (public and hidden cases) on the affected rubrics."""
    course = load_course()
    with tempfile.TemporaryDirectory(prefix="autograder-uncatalogued-") as folder:
        submission = build_submission(Path(folder) / "submission", {bug.exercise: bug.source(course)}, course=course)
        return grade(submission, load_rubrics(course, course.affected_by(bug.exercise)), course=course,
                     identity="uncatalogued", secret=SECRET)


def feedback(bug: HeldOutBug) -> Feedback:
    """Grade ``bug`` and judge its feedback."""
    course = load_course()
    result = graded(bug)
    exercise = result.exercise(bug.exercise)
    named = frozenset(case.misconception for graded_exercise in result.exercises
                      for criterion in graded_exercise.criteria for case in criterion.cases if case.misconception)
    return Feedback(bug, exercise.score < exercise.max_score, named, accepted_names(bug.declared, course))
