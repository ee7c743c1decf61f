"""The grade in Gradescope's autograder ``results.json`` format.

See Gradescope's "Autograder Specifications" (output format): a top-level ``score`` overrides
the sum of the tests' scores, so it is set to the total, which equals that sum less the late
penalty (the tests keep their points; the summary ``output`` says what the penalty was). Every criterion
entry is one test; hidden entries become visible to students only once grades are published.
The submission's captured output is not included (``stdout_visibility`` is hidden).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ..results import CriterionResult, ExerciseResult, SubmissionResult, format_points, points
from ._files import atomic_write_text
from .markdown import late_note

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
    lines = [f"Total: {format_points(result.score)} / {format_points(result.max_score)}"]
    if late_note(result):
        lines.append(late_note(result))
    for exercise in result.exercises:
        line = f"{exercise.name}: {format_points(exercise.score)} / {format_points(exercise.max_score)}"
        lines.append(f"{line} ({exercise.note})" if exercise.note else line)
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
        ``score``, ``execution_time``, ``output`` (a short summary), ``output_format``,
        ``test_output_format``, ``visibility``, ``stdout_visibility`` and ``tests``: one test
        per criterion entry, numbered ``<exercise>.<criterion>`` from 1.
    """
    tests = [
        _test(exercise, criterion, f"{i}.{j}")
        for i, exercise in enumerate(result.exercises, start=1)
        for j, criterion in enumerate(exercise.criteria, start=1)
    ]
    return {
        "score": points(result.score),
        "execution_time": math.ceil(result.seconds),
        "output": _summary(result),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
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
