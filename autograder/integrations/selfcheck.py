"""Checks students run themselves: a notebook's self-check cell and the release's pytest tests.

Both grade on the public cases, exactly as ``autograder check`` does, and word their failures with
the same messages.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from autograder.course.model import load_course
from autograder.course.rubric import load_rubrics
from autograder.judge.grading import grade
from autograder.reports.markdown import format_points
from autograder.reports.terminal import print_result
from autograder.results import CriterionResult, SubmissionResult


def check_notebook(exercise: str, folder: Path | str = ".") -> None:
    """Grade the saved notebooks of ``folder`` on the public cases of ``exercise`` and print the result.

    The whole folder is staged, so an exercise that uses another one (the residual block uses the
    convolution) finds that one's notebook too.
    """
    folder = Path(folder).resolve()
    course = load_course()
    result = grade(folder, course=course, rubrics=load_rubrics(course, (exercise,)), mode="check")
    result.submission = f"{folder.name}/"
    print_result(result, Console())


def check_folder(folder: Path) -> SubmissionResult:
    """Grade ``folder`` (modules or notebooks) on the public cases of the course's default assignment."""
    return grade(Path(folder), course=load_course(), mode="check")


def public_criteria() -> list[str]:
    """The ids of every criterion that has public cases, in the course's order."""
    course = load_course()
    return [criterion.id for rubric in load_rubrics(course, course.assignment()) for criterion in rubric.criteria
            if criterion.public]


def failure_message(result: SubmissionResult, criterion_id: str) -> str | None:
    """What ``autograder check`` says about a failed public criterion, or None when it passed.

    Raises
    ------
    KeyError
        When ``result`` has no public entry ``criterion_id``.
    """
    entry = _entry(result, criterion_id)
    if entry.passed:
        return None
    lines = [f"✗ {entry.id} ({format_points(entry.score)} / {format_points(entry.max_score)}) {entry.description}",
             *("    " + line for line in entry.message.splitlines())]
    if entry.misconception:
        lines.append(f"    Recognised mistake: {entry.misconception}")
    if entry.hint:
        lines.append(f"    Hint: {entry.hint}")
    return "\n".join(lines)


def _entry(result: SubmissionResult, criterion_id: str) -> CriterionResult:
    for exercise in result.exercises:
        for entry in exercise.criteria:
            if entry.id == criterion_id:
                return entry
    raise KeyError(f"no public criterion {criterion_id!r} in the result of {result.submission}; "
                   f"expected one of the rubrics' criteria with public cases")
