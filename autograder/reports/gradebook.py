"""The instructors' CSV gradebook: one row per submission, one column per exercise.

Also the flat per-criterion rows a class report turns into its per-criterion CSVs.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..results import SubmissionResult
from ._files import atomic_write_text
from .text import csv_cell


def gradebook_header(exercise_names: Sequence[str]) -> list[str]:
    """The gradebook's column names.

    Parameters
    ----------
    exercise_names : sequence of str
        The exercises, in the order of their columns.

    Returns
    -------
    list of str
        ``submission``, ``student_id``, each exercise, ``late_penalty``, ``total``, ``max_total``, ``seconds``,
        ``status``.
    """
    return ["submission", "student_id", *exercise_names, "late_penalty", "total", "max_total", "seconds", "status"]


def gradebook_row(result: SubmissionResult, exercise_names: Sequence[str] | None = None,
                  student_id: str | None = None) -> list[Any]:
    """The gradebook row of one graded submission, matching :func:`gradebook_header`.

    Parameters
    ----------
    result : SubmissionResult
        The grade.
    exercise_names : sequence of str, optional
        The exercise columns; by default the exercises of ``result`` in its order.
    student_id : str, optional
        Whose submission it is (empty when unknown).

    Returns
    -------
    list
        The submission, the student id, each exercise's score, the late penalty (0 when on time or
        unknown), the total after it, the maximum total, the seconds grading took and the status
        (``"graded"``, or ``"error"`` when grading failed). Points are the result's own, under its
        one rounding rule.

    Raises
    ------
    KeyError
        If ``result`` has no exercise of one of ``exercise_names``.
    """
    names = [e.name for e in result.exercises] if exercise_names is None else exercise_names
    scores = [result.exercise(name).score for name in names]
    return [result.submission, student_id or "", *scores, result.penalty, result.score, result.max_score,
            round(result.seconds, 4), result.status]


def _csv_text(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[csv_cell(value) for value in row] for row in rows])
    return buffer.getvalue()


def write_gradebook(results: Sequence[SubmissionResult], path: str | os.PathLike[str],
                    student_ids: Mapping[str, str] | None = None) -> Path:
    """Write the CSV gradebook of ``results`` to ``path`` atomically.

    Parameters
    ----------
    results : sequence of SubmissionResult
        One grade per submission, each with the same exercises.
    path : str or os.PathLike
        The file to write.
    student_ids : mapping, optional
        The student id of each submission (by ``result.submission``) that has one.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    names = [e.name for e in results[0].exercises] if results else []
    ids = student_ids or {}
    rows = [gradebook_row(result, names, ids.get(result.submission)) for result in results]
    return write_csv([gradebook_header(names), *rows], path)


def write_csv(rows: Sequence[Sequence[Any]], path: str | os.PathLike[str]) -> Path:
    """Write ``rows`` (the header first) as CSV to ``path`` atomically, text that a spreadsheet would
    run as a formula quoted, as in the gradebook.

    Parameters
    ----------
    rows : sequence of sequences
        The header, then one row per record.
    path : str or os.PathLike
        The file to write.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return atomic_write_text(path, _csv_text([list(row) for row in rows]))


def criteria_rows(results: Sequence[SubmissionResult]) -> list[dict[str, Any]]:
    """One flat record per submission and criterion entry.

    Parameters
    ----------
    results : sequence of SubmissionResult
        The grades.

    Returns
    -------
    list of dict
        Keys ``submission``, ``exercise``, ``criterion``, ``visibility``, ``score``,
        ``max_score``, ``passed`` and ``misconception`` (None when no mistake was recognised).
    """
    return [
        {
            "submission": result.submission,
            "exercise": exercise.name,
            "criterion": criterion.id,
            "visibility": criterion.visibility,
            "score": criterion.score,
            "max_score": criterion.max_score,
            "passed": criterion.passed,
            "misconception": criterion.misconception,
        }
        for result in results
        for exercise in result.exercises
        for criterion in exercise.criteria
    ]
