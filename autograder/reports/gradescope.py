"""The grade in Gradescope's autograder ``results.json`` format.

See Gradescope's "Autograder Specifications" (output format): a top-level ``score`` overrides
the sum of the tests' scores, so it is set to the total, which equals that sum less the late
penalty (the tests keep their points; the summary ``output`` says what the penalty was). Every criterion
entry is one test; hidden entries become visible to students only once grades are published.
The submission's captured output is not included (``stdout_visibility`` is hidden), nor the
grading time (the submission controls it, so it could carry hidden values). ``extra_data`` holds
the sandbox's description and whether the code ran sandboxed; when it did not, a visible test
says so first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..results import CriterionResult, ExerciseResult, SubmissionResult, format_points, points
from ._files import atomic_write_text
from .markdown import late_note
from .summary import mistake_text, summarize_exercise

VISIBILITY = {"public": "visible", "hidden": "after_published"}
"""Gradescope's visibility of a test, by the visibility of its criterion entry."""


def _test_output(criterion: CriterionResult) -> str:
    lines = [criterion.message]
    if criterion.misconception:
        lines.append(f"Recognised mistake: {criterion.misconception}")
    if criterion.hint:
        lines.append(f"Hint: {criterion.hint}")
    return "\n".join(lines)


def _test(exercise: ExerciseResult, criterion: CriterionResult, number: str) -> dict[str, Any]:
    return {
        "name": f"{exercise.name} · {criterion.id}: {criterion.description}",
        "number": number,
        "score": points(criterion.score),
        "max_score": points(criterion.max_score),
        "status": "passed" if criterion.passed else "failed",
        "visibility": VISIBILITY[criterion.visibility],
        "output": _test_output(criterion),
    }


def _summary(result: SubmissionResult) -> str:
    """The total, then per exercise its score and what its public cases say to fix first.

    Gradescope shows this output at once, while hidden tests wait until grades are published, so
    the mistakes listed here come from the public entries only.
    """
    lines = [f"Total: {format_points(result.score)} / {format_points(result.max_score)}"]
    if late_note(result):
        lines.append(late_note(result))
    for exercise in result.exercises:
        public = ExerciseResult(exercise.name, [c for c in exercise.criteria if c.visibility == "public"],
                                exercise.note)
        lines.append(f"{exercise.name}: {format_points(exercise.score)} / {format_points(exercise.max_score)}")
        summary = summarize_exercise(public)
        if summary.note:
            lines.append(f"  {summary.note}")
        lines += [f"  - {mistake_text(mistake)}" for mistake in summary.mistakes]
    return "\n".join(lines)


def to_gradescope(result: SubmissionResult) -> dict[str, Any]:
    """The ``results.json`` Gradescope reads, for ``result``.

    Parameters
    ----------
    result : SubmissionResult
        The grade to upload.

    Returns
    -------
    dict
        ``score``, ``output`` (a short summary), ``output_format``, ``test_output_format``,
        ``visibility``, ``stdout_visibility``, ``extra_data`` and ``tests``: one test per
        criterion entry, numbered ``<exercise>.<criterion>`` from 1 (after a test "Sandbox",
        number 0, when the code ran unsandboxed).
    """
    tests = [
        _test(exercise, criterion, f"{i}.{j}")
        for i, exercise in enumerate(result.exercises, start=1)
        for j, criterion in enumerate(exercise.criteria, start=1)
    ]
    if result.status == "graded" and not result.sandboxed:
        tests.insert(0, {"name": "Sandbox", "number": "0", "score": 0.0, "max_score": 0.0, "status": "failed",
                         "visibility": "visible", "output": result.sandbox or "NOT sandboxed."})
    return {
        "score": points(result.score),
        "output": _summary(result),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"sandbox": result.sandbox, "sandboxed": result.sandboxed},
        "tests": tests,
    }


def write_gradescope(result: SubmissionResult, path: str | os.PathLike[str]) -> Path:
    """Write Gradescope's ``results.json`` for ``result`` to ``path`` atomically.

    Parameters
    ----------
    result : SubmissionResult
        The grade to upload.
    path : str or os.PathLike
        The file to write, ``/autograder/results/results.json`` on Gradescope.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    text = json.dumps(to_gradescope(result), indent=2, ensure_ascii=False, allow_nan=False)
    return atomic_write_text(path, text + "\n")
