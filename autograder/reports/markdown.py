"""The Markdown feedback a student reads: scores, what to fix first, then the details grouped by mistake.

Both the summary and the details come from :mod:`~autograder.reports.summary`, like every other
view. The small formatting helpers here (relative errors, truncated output, the late penalty's
note; points under the one rounding rule of :mod:`autograder.results`) are shared with the HTML
report, so both show the same numbers and the same amount of output.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..results import SubmissionResult, format_points
from . import text
from ._files import atomic_write_text
from .summary import ExerciseSummary, Mistake, mistake_text, summarize, waiting_text

__all__ = ["format_error", "format_points", "to_markdown", "truncate_output", "write_markdown"]

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


def _summary(summaries: list[ExerciseSummary]) -> list[str]:
    """What to fix first: per exercise, one item per distinct mistake (full marks in one line)."""
    lines = ["## What to fix first", ""]
    for summary in summaries:
        if summary.full_marks:
            continue
        score = f"{format_points(summary.exercise.score)} / {format_points(summary.exercise.max_score)}"
        mistakes = summary.mistakes or []
        texts = [_inert(summary.note)] * bool(summary.note) + [_line(mistake) for mistake in mistakes]
        lines.append(f"- **{summary.name}** ({score}): {texts[0] if texts else 'points lost, see the details'}")
        lines += [f"  - {text}" for text in texts[1:]]
        lines += [f"  - Note: {remark}." for remark in summary.remarks]
    done = [s.name for s in summaries if s.full_marks]
    if done:
        lines.append(f"- Full marks: {', '.join(done)}.")
    if len(lines) == 2:
        lines.append("Nothing: every exercise has full marks.")
    return lines + [""]


def _inert(said: str) -> str:
    """A line that may quote the submission (its name, an import error, a public case's message) as one line of
    plain Markdown text."""
    return text.markdown(text.one_line(said))


def _line(mistake: Mistake) -> str:
    """A mistake's summary line (it may quote a public case's message, or the note of a missing file)."""
    return _inert(mistake_text(mistake))


def _mistake(mistake: Mistake) -> list[str]:
    if mistake.kind == "missing":
        return [f"> {_inert(mistake.headline)}", ""]
    label = "Recognised mistake: " if mistake.kind == "recognised" else ""
    cost = f" (costs {format_points(mistake.points)} points)" if mistake.points else ""
    lines = [f"#### {label}{_inert(mistake.headline)}{cost}", ""]
    if mistake.where and mistake.kind == "values":
        lines += [f"Where: {_inert(mistake.where)}.", ""]
    if mistake.hint:
        lines += [f"Hint: {mistake.hint}", ""]
    advised = {mistake.hint}
    for entry, cases in mistake.entries:
        points = f"{format_points(entry.score)} / {format_points(entry.max_score)} points"
        lines.append(f"- ❌ **{entry.id}** ({points}, {entry.visibility}): {entry.description}")
        if entry.advice and entry.advice not in advised:
            advised.add(entry.advice)
            lines.append(f"  - Criterion's hint: {entry.advice}")
        lines += [f"  - [{case.label}] {text.markdown(case.message)}".replace("\n", "\n    ") for case in cases]
    return lines + [""]


def _details(summary: ExerciseSummary) -> list[str]:
    exercise = summary.exercise
    lines = [f"### {exercise.name}: {format_points(exercise.score)} / {format_points(exercise.max_score)}", ""]
    if summary.note:
        lines += [f"> {_inert(summary.note)}", ""]
    for mistake in summary.mistakes:
        lines += _mistake(mistake)
    waiting = waiting_text(summary)
    if waiting:
        notes = list(dict.fromkeys(entry.note for entry in summary.waiting if entry.note))
        lines += [f"{waiting}: {', '.join(entry.id for entry in summary.waiting)}."]
        lines += [f"> {note}" for note in notes] + [""]
    lines += [f"Note: {remark}." for remark in summary.remarks] + ([""] if summary.remarks else [])
    if summary.passed:
        lines += ["Passed: " + ", ".join(f"✅ {entry.id}" for entry in summary.passed), ""]
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
    shown = truncate_output(text.printable(output))
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
        A title with the total, a table of exercises (and the late penalty), what to fix first (one
        line per distinct mistake), then the details grouped by mistake, the sandbox used and the
        submission's captured output (truncated, if any).
    """
    summaries = summarize(result)
    total = f"{format_points(result.score)} / {format_points(result.max_score)}"
    lines = [f"# Feedback for {_inert(result.submission)}: {total}", ""]
    lines += _table(result)
    if late_note(result):
        lines += [f"> {late_note(result)}", ""]
    lines += _summary(summaries)
    if any(not s.full_marks for s in summaries):
        lines += ["## Details", ""]
        for summary in summaries:
            if not summary.full_marks:
                lines += _details(summary)
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
