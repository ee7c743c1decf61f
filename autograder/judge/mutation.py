"""Rubrics proven by mutation: every catalogued bug, put into the reference, must lose points and be recognised.

A mutant is the reference submission with one exercise's module replaced by the module of a bug of
the misconception catalogue (:attr:`~autograder.course.catalogue.Misconception.source`). It is graded
on the rubrics of that exercise and of the exercises that import it
(:meth:`~autograder.course.model.Course.affected_by`), in a pool of processes. A bug is *caught* when its
exercise loses points and *diagnosed* when at least one case reports it as its misconception; it
*escapes* unless both. An exercise's mutation score is the share of its bugs caught and diagnosed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from autograder.course.catalogue import Misconception
from autograder.course.model import Course, load_course
from autograder.course.rubric import Rubric, load_rubrics
from autograder.judge.grading import grade
from autograder.results import SubmissionResult


@dataclass(frozen=True)
class Mutant:
    """How the rubrics fared against one catalogued bug.

    Attributes
    ----------
    bug : str
        The misconception's id (``conv.flipped_kernel``).
    exercise : str
    caught : bool
        Its exercise lost points.
    diagnosed : bool
        At least one case reported this misconception.
    others : tuple of str
        Other misconceptions reported, on any criterion: bugs that give the same results on some case.
    unexplained : tuple of str
        Those of ``others`` the catalogue does not list under the bug's ``alike``.
    seconds : float
        Grading time.
    """

    bug: str
    exercise: str
    caught: bool
    diagnosed: bool
    others: tuple[str, ...]
    unexplained: tuple[str, ...]
    seconds: float

    @property
    def escaped(self) -> bool:
        return not (self.caught and self.diagnosed)


@dataclass(frozen=True)
class ExerciseScore:
    """The mutation score of one exercise: of its catalogued bugs, how many were caught and diagnosed."""

    exercise: str
    bugs: int
    caught: int
    diagnosed: int
    proven: int

    @property
    def score(self) -> float:
        """The share of bugs both caught and diagnosed (1 when the exercise has no bug)."""
        return self.proven / self.bugs if self.bugs else 1.0


def build_submission(folder: Path, replace: dict[str, Path | str] | None = None,
                     omit: tuple[str, ...] = (), course: Course | None = None) -> Path:
    """A submission folder made of the course's reference modules, with some replaced or left out.

    Parameters
    ----------
    folder : Path
        Where to create the submission (it is created).
    replace : dict, optional
        Exercise name -> a module file, or the module's source text, to use instead of the reference.
    omit : tuple of str
        Exercises whose module is left out.
    course : Course, optional
        Default: :func:`~autograder.course.model.load_course`.
    """
    course = course or load_course()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    replace = replace or {}
    for exercise in course.names:
        if exercise in omit:
            continue
        target = folder / f"{exercise}.py"
        source = replace.get(exercise)
        if source is None:
            shutil.copyfile(course.reference_dir / f"{exercise}.py", target)
        elif isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_text(source)
    return folder


def grade_mutant(bug: Misconception, course_root: Path | None = None) -> Mutant:
    """Grade the reference with ``bug``'s module in place of its exercise's, on the affected rubrics."""
    start = time.monotonic()
    result = grade_bug(bug, load_course(course_root))
    return verdict(bug, result, time.monotonic() - start)


def grade_bug(bug: Misconception, course: Course) -> SubmissionResult:
    """The result of the reference with ``bug``'s module in place of its exercise's, on the affected rubrics."""
    return grade_replacing(bug.exercise, bug.source, course, identity="mutation")


@lru_cache(maxsize=None)
def _rubrics(course: Course, exercises: tuple[str, ...]) -> list[Rubric]:
    """The rubrics of ``exercises``, loaded once per process."""
    return load_rubrics(course, exercises)


def verdict(bug: Misconception, result: SubmissionResult, seconds: float = 0.0) -> Mutant:
    """How the rubrics fared against ``bug``, from the result of its mutant."""
    graded = result.exercise(bug.exercise)
    reported = {case.misconception for exercise in result.exercises for criterion in exercise.criteria
                for case in criterion.cases if case.misconception}
    others = reported - {bug.id}
    documented = {f"{bug.exercise}.{name}" for name, _ in bug.alike}
    return Mutant(bug.id, bug.exercise, graded.score < graded.max_score, bug.id in reported,
                  tuple(sorted(others)), tuple(sorted(others - documented)), round(seconds, 3))


def run_mutants(bugs: list[Misconception], course: Course | None = None, jobs: int = 2) -> list[Mutant]:
    """Grade every bug's mutant, ``jobs`` at a time, in the order of ``bugs``."""
    course = course or load_course()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(grade_mutant, bugs, [course.root] * len(bugs)))


def scores(mutants: list[Mutant], course: Course | None = None) -> list[ExerciseScore]:
    """The mutation score of every exercise that has mutants, in course order."""
    course = course or load_course()
    by_exercise = {e: [m for m in mutants if m.exercise == e] for e in course.names}
    return [ExerciseScore(e, len(ms), sum(m.caught for m in ms), sum(m.diagnosed for m in ms),
                          sum(not m.escaped for m in ms))
            for e, ms in by_exercise.items() if ms]


@dataclass(frozen=True)
class Alternative:
    """How the rubrics fared against another correct module (a style the reference does not use)."""

    exercise: str
    path: Path
    lost: tuple[str, ...]

    @property
    def full_marks(self) -> bool:
        return not self.lost


def grade_alternative(exercise: str, path: Path, course_root: Path | None = None) -> Alternative:
    """Grade the reference with the correct module ``path`` in place of ``exercise``'s; it must keep full marks."""
    result = grade_replacing(exercise, Path(path), load_course(course_root))
    lost = tuple(f"{c.id}: {c.message}" for e in result.exercises for c in e.criteria if not c.passed)
    return Alternative(exercise, Path(path), lost)


def grade_replacing(exercise: str, module: Path | str, course: Course, identity: str = "alternative") -> SubmissionResult:
    """The result of the reference with ``module`` (a file, or source text) in place of ``exercise``'s module,
    on the rubrics of the exercises it affects."""
    with tempfile.TemporaryDirectory(prefix="autograder-replaced-") as folder:
        submission = build_submission(Path(folder) / "submission", {exercise: module}, course=course)
        return grade(submission, course=course, rubrics=_rubrics(course, course.affected_by(exercise)),
                     identity=identity)


def alternatives(course: Course, exercises: tuple[str, ...] | None = None) -> list[tuple[str, Path]]:
    """(exercise, module) of every other correct module the course keeps in its ``correct`` folder
    (for ``exercises`` only, when given)."""
    return [(exercise, path) for exercise in exercises or course.names
            for path in sorted((course.correct_dir / exercise).glob("*.py"))]


def run_alternatives(course: Course, jobs: int = 2, exercises: tuple[str, ...] | None = None) -> list[Alternative]:
    """Grade every other correct module of the course (of ``exercises``, when given), ``jobs`` at a time."""
    found = alternatives(course, exercises)
    if not found:
        return []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(grade_alternative, [e for e, _ in found], [p for _, p in found],
                             [course.root] * len(found)))
