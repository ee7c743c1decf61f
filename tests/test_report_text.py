"""Text a submission controls (its name, its messages, its output) shows as inert text in every report.

A real batch grades two hostile submissions, one named with terminal escapes and matplotlib math, whose
module raises and prints a forgery (``tests/payloads/attacks/report_forgery.py``); then every view is read:
the terminal, the Markdown and HTML feedback, the gradebook CSV and the class report with its plots.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from rich.console import Console

from autograder.reports import text
from autograder.reports.classreport import write_class_report
from autograder.reports.html import to_html
from autograder.reports.json_report import from_json_dict
from autograder.reports.markdown import to_markdown
from autograder.reports.terminal import print_result

from builders import COURSE, build_submission
from hostile import payload

NAMES = ("mallory \x1b[2J$\\sqrt{$ total 252", "=HYPERLINK(\"evil.example\")")
"""Submission names a student can choose (the file name of an upload), each a forgery."""
TERMINAL_ESCAPES = re.compile("[\x1b\r\x07\u202e]")


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-class")
    others = tuple(name for name in COURSE.names if name != "conv")
    for name in NAMES:
        build_submission(root / name, {"conv": payload("report_forgery")}, omit=others)
    out = root / "out"
    done = subprocess.run([sys.executable, "-m", "autograder", "batch", str(root), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return root, out


def results(out):
    return [from_json_dict(json.loads(path.read_text())) for path in sorted(out.glob("submissions/*/report.json"))]


def test_the_class_report_draws_names_with_matplotlib_math_and_escapes_without_crashing(hostile_batch):
    _, out = hostile_batch
    report = write_class_report(out)
    page = report.page.read_text()
    assert report.submissions == 2 and not TERMINAL_ESCAPES.search(page)
    assert "<img src=x" not in page


def test_the_gradebook_quotes_a_name_a_spreadsheet_would_run_as_a_formula(hostile_batch):
    _, out = hostile_batch
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text())))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"evil.example\")" in names
    assert not [name for name in names if name.startswith(text.FORMULA_STARTS)]


def test_the_terminal_shows_no_control_character_of_a_name_a_message_or_an_output(hostile_batch):
    for result in results(hostile_batch[1]):
        console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)
        print_result(result, console, details=True)
        shown = console.file.getvalue()
        assert "total 252" in shown and not TERMINAL_ESCAPES.search(shown), repr(shown[:500])
    root, _ = hostile_batch
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(root / NAMES[0]), "--details"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "FORGED" in done.stdout
    assert not TERMINAL_ESCAPES.search(done.stdout + done.stderr), repr(done.stdout[:500])


def test_markdown_and_html_feedback_show_the_forgery_as_text(hostile_batch):
    for result in results(hostile_batch[1]):
        result.output = payload("report_forgery")
        markdown, html = to_markdown(result), to_html(result)
        assert not TERMINAL_ESCAPES.search(markdown) and not TERMINAL_ESCAPES.search(html)
        feedback, fenced_output = markdown.split("## Output of your code")
        assert not re.search(r"(?<!\\)<img|\]\(http", feedback), feedback
        forged = [line for line in feedback.splitlines() if "Feedback for you" in line]
        assert forged and not [line for line in forged if line.lstrip().startswith("#")], forged
        assert "```" in fenced_output and "<img src=x" in fenced_output, "the output is shown as it was, in a fence"
        assert "<img" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("raw, shown", [
    ("a\x1b[31mred\x1b[0m\r\nb\u202e", "a[31mred[0m\nb"),
    ("tab\tand\nnewline", "tab\tand\nnewline"),
])
def test_printable_removes_control_characters_and_keeps_newlines_and_tabs(raw, shown):
    assert text.printable(raw) == shown


def test_mathtext_markdown_and_csv_escapes_make_markup_inert():
    assert text.mathtext("$x^2$ cost\n$5") == r"\$x^2\$ cost \$5"
    assert text.markdown("# [a](b) <i>*x*</i> | `c`\n- item\n1. first ![i](u) [3 channels]") == (
        r"\# [a]\(b) \<i\>\*x\*\</i\> \| \`c\`" + "\n\\- item\n\\1. first ![i]\\(u) [3 channels]")
    assert [text.csv_cell(v) for v in ("=1+1", " -2", "@sum", "ann", 3.5)] == ["'=1+1", "' -2", "'@sum", "ann", 3.5]
