"""Text a submission controls, made safe for where it is shown.

A submission's name (its file or folder name), the messages of its public cases (exception
texts), its notes and its printed output come from the student. Every writer passes them
through one function of this module, chosen by where the text goes:

==================  =====================================================================
:func:`printable`   control characters (terminal escapes, carriage returns, bidirectional
                    overrides) removed; newlines and tabs kept. HTML pages use it on every
                    value (Jinja2 autoescaping does the rest), JSON needs nothing.
:func:`terminal`    printable, then rich's markup escaped, so ``[bold]`` stays text
:func:`markdown`    printable, then Markdown's markup escaped (HTML, links and images, emphasis,
                    tables, headings, list markers), so a message cannot forge a heading or a link
:func:`mathtext`    one line, printable, ``$`` escaped: matplotlib reads ``$...$`` as math
:func:`csv_cell`    a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` ...)
                    quoted
==================  =====================================================================
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
"""Control characters but newline and tab, zero-width and bidirectional formatting characters."""
MARKDOWN = re.compile(r"([\\`*_<>|#~])")
MARKDOWN_LINK = re.compile(r"\](?=[(\[:])")
MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def printable(text: str) -> str:
    """``text`` without control characters (newlines and tabs kept)."""
    return CONTROL.sub("", str(text))


def one_line(text: str) -> str:
    """``text`` printable, on one line (newlines and tabs become spaces)."""
    return re.sub(r"[\n\t]+", " ", printable(text))


def terminal(text: str) -> str:
    """``text`` for a rich console: printable, its markup escaped."""
    return escape(printable(text))


def markdown(text: str) -> str:
    """``text`` for a Markdown document: printable, with every character that could start markup escaped."""
    escaped = MARKDOWN_LINK.sub("]\\\\", MARKDOWN.sub(r"\\\1", printable(text)))
    return MARKDOWN_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def mathtext(text: str) -> str:
    """``text`` for a matplotlib label: one line, printable, ``$`` escaped so that it is never read as math."""
    return one_line(text).replace("$", r"\$")


def csv_cell(value: Any) -> Any:
    """``value``, with text a spreadsheet would run as a formula prefixed by a quote (other values unchanged)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value
