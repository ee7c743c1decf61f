"""The student's feedback as one self-contained HTML page, rendered from a Jinja2 template.

It leads with what to fix first (:mod:`~autograder.reports.summary`), then the details grouped by
mistake, like the terminal and Markdown views of the same result.

Autoescaping is on: messages, notes and captured output come from the student's code and are
shown as text, never as markup.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import jinja2

from ..results import SubmissionResult, format_points
from . import text
from ._files import atomic_write_text
from .markdown import format_error, late_note, truncate_output
from .summary import SUMMARY_MISTAKES, mistake_text, summarize, waiting_text

TEMPLATE = "feedback.html.j2"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("autograder", "reports/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,
    )
    environment.filters["points"] = format_points
    environment.filters["error"] = format_error
    environment.filters["text"] = mistake_text
    environment.filters["waiting"] = waiting_text
    return environment


def _printable(value):
    """Every value the page shows, without control characters (autoescaping then makes it text)."""
    return text.printable(value) if isinstance(value, str) else value


def to_html(result: SubmissionResult) -> str:
    """The student's feedback for ``result`` as an HTML page.

    Parameters
    ----------
    result : SubmissionResult
        The grade to explain.

    Returns
    -------
    str
        A complete page with inline CSS: the total and, per exercise, its score and what to fix
        first (one line per distinct mistake); then a section per exercise that lost points, its
        failed cases grouped by mistake; the sandbox used and the captured output.
    """
    template = _environment().get_template(TEMPLATE)
    return template.render(result=result, summaries=summarize(result), shown=SUMMARY_MISTAKES,
                           output=truncate_output(result.output), late=late_note(result))


def write_html(result: SubmissionResult, path: str | os.PathLike[str]) -> Path:
    """Write the HTML feedback of ``result`` to ``path`` atomically.

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
    return atomic_write_text(path, to_html(result))
