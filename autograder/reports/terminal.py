"""The terminal view of a result: a screenful of what to fix first, and, on request, the details.

The default is the summary of :mod:`~autograder.reports.summary`: one line per exercise, then one
paragraph per distinct mistake (at most a few per exercise). ``details=True`` adds every failed case,
grouped by mistake, with the criteria it costs. Every paragraph is wrapped to the console's width
with a hanging indent, and never inside a phrase: a parenthesis, a bracketed case label, a
``name = value`` or a relative error stays on one line.
"""

from __future__ import annotations

import re
import textwrap

from rich.console import Console
from rich.text import Text

from autograder.reports.summary import (SUMMARY_MISTAKES, ExerciseSummary, Mistake, mistake_text,
                                        summarize, waiting_text)
from autograder.reports.markdown import late_note
from autograder.reports.text import one_line
from autograder.results import SubmissionResult, format_points

PHRASE = re.compile(r"\([^()]{1,40}\)|\[[^\[\]]{1,60}\]|\S+ = \S+|relative error \S+|\d+ of \d+ \w+|on this case")
"""Spans wrapping must not break: short parentheses and case labels, ``p = 0.5``, ``relative error 0.9``."""
GLUE = "\x00"
INDENT = "    "


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` characters (where words allow), broken between phrases only.

    ``first`` starts the first line and ``rest`` (default: spaces as long as ``first``) the others.
    """
    rest = " " * len(first) if rest is None else rest
    text = one_line(text)  # a submission's name, messages and notes: no control character reaches the terminal
    glued = PHRASE.sub(lambda match: match.group(0).replace(" ", GLUE), text)
    lines = textwrap.wrap(glued, width=max(width, len(rest) + 20), initial_indent=first, subsequent_indent=rest,
                          break_long_words=False, break_on_hyphens=False) or [first.rstrip()]
    return [line.replace(GLUE, " ") for line in lines]


def print_result(result: SubmissionResult, console: Console | None = None, details: bool = False) -> None:
    """Print a result for a person at a terminal: the summary, then the details if asked."""
    console = console or Console()
    for line in summary_lines(result, console.width, details):
        console.print(line, soft_wrap=True, highlight=False)
    if details:
        for line in detail_lines(result, console.width):
            console.print(line, soft_wrap=True, highlight=False)
    for line in wrap(f"{_isolation(result.sandbox)} Graded in {result.seconds:.2f} s.".strip(), console.width):
        console.print(Text(line, style="dim"), soft_wrap=True)


def _isolation(sandbox: str) -> str:
    """How the submission was isolated, without the list of limits of a sandboxed run (the reports hold it);
    an unsandboxed run's warning whole."""
    return sandbox.split(" Limits enforced:")[0] if sandbox.startswith("Sandboxed") else sandbox


MARKS = {"full": ("✓", "green"), "none": ("✗", "red"), "some": ("~", "yellow")}


def _mark(summary: ExerciseSummary) -> tuple[str, str]:
    if summary.full_marks:
        return MARKS["full"]
    return MARKS["none"] if summary.exercise.score == 0 else MARKS["some"]


def summary_lines(result: SubmissionResult, width: int = 80, details: bool = False) -> list[Text]:
    """The summary: the total, then per exercise its score and the mistakes to fix first."""
    title = "public cases only" if result.mode == "check" else "public and hidden cases"
    total = f"{result.submission}: {format_points(result.score)} / {format_points(result.max_score)} points ({title})"
    lines = [Text(line, style="bold") for line in wrap(total, width)]
    if late_note(result):
        lines += [Text(line, style="yellow") for line in wrap(late_note(result), width)]
    lines.append(Text(""))
    summaries = summarize(result)
    name_width = max((len(s.name) for s in summaries), default=0)
    for summary in summaries:
        mark, colour = _mark(summary)
        score = f"{format_points(summary.exercise.score)} / {format_points(summary.exercise.max_score)}"
        lines.append(Text.assemble((mark, colour), " ", (summary.name.ljust(name_width), "bold"), f"  {score}"))
        if summary.note:
            lines += [Text(line, style="yellow") for line in wrap(summary.note, width, INDENT)]
        shown = [] if summary.note else summary.mistakes[:SUMMARY_MISTAKES]
        for mistake in shown:
            bullet = "• " if len(summary.mistakes) > 1 else ""
            lines += [Text(line) for line in wrap(mistake_text(mistake), width, INDENT + bullet)]
        hidden = len(summary.mistakes) - len(shown)
        if hidden and not details:
            lines.append(Text(f"{INDENT}… and {hidden} more: see --details", style="dim"))
        for remark in summary.remarks:
            lines += [Text(line, style="dim") for line in wrap(f"Note: {remark}.", width, INDENT)]
    lines.append(Text(""))
    if not details and any(s.mistakes for s in summaries):
        lines.append(Text("Run with --details for every failed case, grouped by mistake.", style="dim"))
    return lines


def detail_lines(result: SubmissionResult, width: int = 80) -> list[Text]:
    """Every failed case, grouped by exercise and mistake, then what waits on them and what passed."""
    lines: list[Text] = []
    for summary in summarize(result):
        if summary.full_marks:
            continue
        score = f"{format_points(summary.exercise.score)} / {format_points(summary.exercise.max_score)}"
        lines += [Text(""), Text.assemble(("── ", "dim"), (summary.name, "bold"), f": {score}")]
        if summary.note:
            lines += [Text(line, style="yellow") for line in wrap(summary.note, width, INDENT)]
        for mistake in summary.mistakes:
            lines += _mistake_lines(mistake, width)
        waiting = waiting_text(summary)
        if waiting:
            names = ", ".join(entry.id for entry in summary.waiting)
            lines += [Text(line, style="dim") for line in wrap(f"{waiting}: {names}.", width, INDENT)]
        if summary.passed:
            passed = ", ".join(entry.id for entry in summary.passed)
            lines += [Text(line, style="green") for line in wrap(f"Passed: {passed}.", width, INDENT)]
    return lines


def _mistake_lines(mistake: Mistake, width: int) -> list[Text]:
    if mistake.kind == "missing":
        return [Text(line, style="yellow") for line in wrap(mistake_text(mistake), width, INDENT)]
    label = "Recognised mistake: " if mistake.kind == "recognised" else ""
    cost = f" (costs {format_points(mistake.points)} points)" if mistake.points else ""
    lines = [Text(line, style="bold") for line in wrap(f"{label}{mistake.headline}{cost}", width, f"{INDENT}✗ ",
                                                     INDENT + "  ")]
    deeper = INDENT + "    "
    if mistake.where and mistake.kind == "values":
        lines += [Text(line) for line in wrap(f"Where: {mistake.where}.", width, deeper)]
    if mistake.hint:
        lines += [Text(line, style="cyan") for line in wrap(f"Hint: {mistake.hint}", width, deeper)]
    advised = {mistake.hint}
    for entry, cases in mistake.entries:
        total = len(entry.cases)
        head = (f"{entry.id} ({format_points(entry.score)} / {format_points(entry.max_score)}): "
                f"{len(cases)} of {total} case{'s' if total != 1 else ''} failed")
        lines += [Text(line) for line in wrap(head, width, deeper)]
        if entry.advice and entry.advice not in advised:
            advised.add(entry.advice)
            lines += [Text(line, style="cyan") for line in wrap(f"Criterion's hint: {entry.advice}", width,
                                                                deeper + "  ")]
        for case in cases:
            lines += [Text(line) for line in wrap(f"[{case.label}] {case.message}", width, deeper + "  ",
                                                  deeper + "    ")]
    return lines
