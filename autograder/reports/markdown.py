"""The Markdown feedback a student reads: scores, then what each criterion found and why.

The small formatting helpers here (relative errors, truncated output, and points, under the one
rounding rule of :mod:`autograder.results`) are shared with the HTML report, so both show the
same numbers and the same amount of output.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..results import CriterionResult, ExerciseResult, SubmissionResult, format_points
from ._files import atomic_write_text

MAX_OUTPUT_CHARS = 4000
"""How much of the submission's captured output a report shows."""


def format_error(value: float | None) -> str | None:
    """A relative error with 3 significant digits (``1.23e-07``, ``inf``), or None."""
    return None if value is None else f"{float(value):.3g}"


def format_delay(seconds: float) -> str:
    """A delay in its two largest units: ``9 days 2 hours``, ``3 hours 5 minutes``, ``40 seconds``."""
    seconds = int(round(seconds))
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count or (unit == "second" and not parts):
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts[:2])


def late_note(result: SubmissionResult) -> str | None:
    """One sentence on a late submission and its penalty, the same in every report; None when on time or unknown."""
    late = result.late
    if late is None or not late.late:
        return None
    return (f"Submitted {late.submitted}, {format_delay(late.seconds_late)} after the deadline ({late.deadline}): "
            f"late penalty {format_points(result.penalty)} points ({late.rule}).")


def truncate_output(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """The first ``limit`` characters of ``text``, saying how many more were cut.

    Parameters
    ----------
    text : str
        Captured output.
    limit : int, optional
        The most characters kept.

    Returns
    -------
    str
        ``text`` itself when short enough.
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n... ({len(text) - limit} more characters not shown)"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _indented(text: str) -> list[str]:
    """The lines of ``text`` as continuation lines of a list item."""
    return [f"  {line}" if line else "" for line in text.splitlines()]


def _criterion(criterion: CriterionResult) -> list[str]:
    mark = "✅" if criterion.passed else "❌"
    points = f"{format_points(criterion.score)} / {format_points(criterion.max_score)} points"
    lines = [f"- {mark} **{criterion.id}** ({points}, {criterion.visibility}): {criterion.description}"]
    lines += _indented(criterion.message)
    error = format_error(criterion.relative_error)
    if error is not None:
        lines.append(f"  Largest relative error: {error}")
    if criterion.misconception:
        lines.append(f"  Recognised mistake: {criterion.misconception}")
    if criterion.hint:
        lines.append(f"  Hint: {criterion.hint}")
    return lines


def _exercise(exercise: ExerciseResult) -> list[str]:
    lines = [f"## {exercise.name}: {format_points(exercise.score)} / {format_points(exercise.max_score)}", ""]
    if exercise.note:
        lines += [f"> {exercise.note}", ""]
    if exercise.criteria:
        lines += [line for criterion in exercise.criteria for line in _criterion(criterion)] + [""]
    return lines


def _table(result: SubmissionResult) -> list[str]:
    lines = ["| Exercise | Score | Max |", "| --- | ---: | ---: |"]
    lines += [f"| {e.name} | {format_points(e.score)} | {format_points(e.max_score)} |" for e in result.exercises]
    if late_note(result):
        lines.append(f"| Late penalty | -{format_points(result.penalty)} | |")
    lines.append(f"| **Total** | **{format_points(result.score)}** | **{format_points(result.max_score)}** |")
    return lines + [""]


def _output(output: str) -> list[str]:
    if not output:
        return []
    shown = truncate_output(output)
    fence = _fence(shown)
    return ["## Output of your code", "", f"{fence}text", shown, fence, ""]


def to_markdown(result: SubmissionResult) -> str:
    """The student's feedback for ``result`` as Markdown.

    Parameters
    ----------
    result : SubmissionResult
        The grade to explain.

    Returns
    -------
    str
        A title with the total, a table of exercises (and the late penalty), a section per exercise
        with every criterion, the sandbox used and the submission's captured output (truncated, if any).
    """
    total = f"{format_points(result.score)} / {format_points(result.max_score)}"
    lines = [f"# Feedback for {result.submission}: {total}", ""]
    lines += _table(result)
    if late_note(result):
        lines += [f"> {late_note(result)}", ""]
    for exercise in result.exercises:
        lines += _exercise(exercise)
    if result.sandbox:
        lines += [f"Sandbox: {result.sandbox}", ""]
    lines += _output(result.output)
    return "\n".join(lines)


def write_markdown(result: SubmissionResult, path: str | os.PathLike[str]) -> Path:
    """Write the Markdown feedback of ``result`` to ``path`` atomically.

    Parameters
    ----------
    result : SubmissionResult
        The grade to explain.
    path : str or os.PathLike
        The file to write.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    return atomic_write_text(path, to_markdown(result))
