"""The JSON report of the exercise contract (``autograder grade --json``), with a few extra fields.

The contract's fields come first and keep their names; the extras are ``mode``, ``sandbox``,
The contract's fields come first and keep their names; the extras are ``mode``, ``sandbox``,
``seconds``, ``status``, ``reason`` (why a submission could not be graded, else null), ``identity``
(whose submission it is: what seeded its hidden cases) and ``late`` at the top; ``note`` and
``summary`` (what to fix first: one entry per distinct mistake, see
:mod:`~autograder.reports.summary`) per exercise; ``description``, ``relative_error``, ``kind``,
``function``, ``compared``, ``advice`` (the standing hint) and ``cases`` per criterion; and per case
its ``features``, ``failure`` (the fixed-vocabulary phrase), the mistake's ``title`` and a passed
case's ``remark``. ``score`` is the total after the late penalty; ``late`` is null when the
submission time or the deadline is unknown, else ``submitted``, ``deadline``, ``seconds_late``,
``penalty``, ``rule`` and ``raw_score`` (the total before the penalty). Every number is a plain
float: points under the one rounding rule (:func:`autograder.results.points`), relative errors to 4
significant digits (rounding ``1e-9`` to 4 decimals would report it as 0), and a non-finite
relative error becomes ``null``, so the report is strict JSON.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from ..results import CaseResult, CriterionResult, ExerciseResult, Lateness, SubmissionResult, points
from ._files import atomic_write_text
from .summary import Mistake, mistake_text, summarize_exercise


def _relative_error(value: float | None) -> float | None:
    """A plain float with 4 significant digits, or None when missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{float(value):.4g}")


def _case(case: CaseResult) -> dict[str, Any]:
    return {
        "label": case.label,
        "passed": bool(case.passed),
        "message": case.message,
        "relative_error": _relative_error(case.relative_error),
        "misconception": case.misconception,
        "hint": case.hint,
        "wrong": list(case.wrong),
        "features": list(case.features),
        "failure": case.failure,
        "title": case.title,
        "remark": case.remark,
    }


def _criterion(criterion: CriterionResult) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "score": points(criterion.score),
        "max_score": points(criterion.max_score),
        "passed": criterion.passed,
        "visibility": criterion.visibility,
        "message": criterion.message,
        "misconception": criterion.misconception,
        "hint": criterion.hint,
        "description": criterion.description,
        "relative_error": _relative_error(criterion.relative_error),
        "kind": criterion.kind,
        "function": criterion.function,
        "compared": list(criterion.compared),
        "advice": criterion.advice,
        "cases": [_case(case) for case in criterion.cases],
    }


def _mistake(mistake: Mistake) -> dict[str, Any]:
    return {
        "kind": mistake.kind,
        "text": mistake_text(mistake),
        "headline": mistake.headline,
        "misconception": mistake.misconception,
        "hint": mistake.hint,
        "advice": list(mistake.advice),
        "where": mistake.where,
        "points": points(mistake.points),
        "criteria": [entry.id for entry, _ in mistake.entries],
    }


def _exercise(exercise: ExerciseResult) -> dict[str, Any]:
    return {
        "name": exercise.name,
        "score": points(exercise.score),
        "max_score": points(exercise.max_score),
        "criteria": [_criterion(criterion) for criterion in exercise.criteria],
        "note": exercise.note,
        "summary": [_mistake(mistake) for mistake in summarize_exercise(exercise).mistakes],
    }


def to_json_dict(result: SubmissionResult) -> dict[str, Any]:
    """The contract's JSON report of ``result``, plus the extra fields.

    Parameters
    ----------
    result : SubmissionResult
        The grade to report.

    Returns
    -------
    dict
        Plain Python values only, serializable with ``json.dumps(..., allow_nan=False)``;
        exercises and criteria in the order of ``result``.
    """
    return {
        "submission": result.submission,
        "score": points(result.score),
        "max_score": points(result.max_score),
        "exercises": [_exercise(exercise) for exercise in result.exercises],
        "mode": result.mode,
        "sandbox": result.sandbox,
        "seconds": round(float(result.seconds), 4),
        "status": result.status,
        "reason": result.reason,
        "identity": result.identity,
        "late": _late(result),
    }


def _late(result: SubmissionResult) -> dict[str, Any] | None:
    if result.late is None:
        return None
    late = result.late
    return {"submitted": late.submitted, "deadline": late.deadline, "seconds_late": round(float(late.seconds_late), 3),
            "penalty": points(result.penalty), "rule": late.rule, "raw_score": points(result.raw_score)}


def from_json_dict(report: dict[str, Any]) -> SubmissionResult:
    """Rebuild the result a JSON report was written from (scores follow from the cases again).

    Parameters
    ----------
    report : dict
        A report made by :func:`to_json_dict`.

    Returns
    -------
    SubmissionResult
    """
    exercises = [
        ExerciseResult(
            exercise["name"],
            [CriterionResult(c["id"], c.get("description", ""), c["visibility"], c["max_score"],
                             [CaseResult(k["label"], k["passed"], k["message"], k["relative_error"],
                                         k.get("misconception"), k.get("hint"), tuple(k.get("wrong", ())),
                                         tuple(k.get("features", ())), k.get("failure", ""), k.get("title"),
                                         remark=k.get("remark", ""))
                              for k in c.get("cases", [])],
                             note=None if c.get("cases") else c["message"], kind=c.get("kind", ""),
                             function=c.get("function", ""), compared=tuple(c.get("compared", ())),
                             advice=c.get("advice"))
             for c in exercise["criteria"]],
            note=exercise.get("note"),
        )
        for exercise in report["exercises"]
    ]
    late = report.get("late")
    return SubmissionResult(report["submission"], exercises, mode=report.get("mode", "grade"),
                            sandbox=report.get("sandbox", ""), seconds=report.get("seconds", 0.0),
                            status=report.get("status", "graded"), reason=report.get("reason"),
                            identity=report.get("identity") or "",
                            late=Lateness(late["submitted"], late["deadline"], late["seconds_late"], late["penalty"],
                                          late["rule"]) if late else None)


def to_json_text(result: SubmissionResult) -> str:
    """The JSON report of ``result`` as text, indented, ending with a newline.

    Parameters
    ----------
    result : SubmissionResult
        The grade to report.

    Returns
    -------
    str
        What ``autograder grade --json`` prints and :func:`write_json` writes.
    """
    return json.dumps(to_json_dict(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(result: SubmissionResult, path: str | os.PathLike[str]) -> Path:
    """Write the JSON report of ``result`` to ``path`` atomically.

    Parameters
    ----------
    result : SubmissionResult
        The grade to report.
    path : str or os.PathLike
        The file to write.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return atomic_write_text(path, to_json_text(result))
