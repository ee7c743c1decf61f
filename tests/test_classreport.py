"""``autograder report OUT``: the class report of a real batch output, a page with plots and a CSV per criterion."""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
import sys
import time

import pytest

from html import unescape
from urllib.parse import unquote

from autograder.reports.classreport import (ClassReportError, load_class, load_results, misconception_counts, summary,
                                            write_class_report)
from autograder.cli import main
from autograder.course.catalogue import misconception

from builders import COURSE, build_submission

FLIPPED, MOMENTUM = misconception("conv.flipped_kernel"), misconception("batchnorm.reversed_momentum")


@pytest.fixture(scope="session")
def batch_out(tmp_path_factory, worker_id):
    """The batch output of :func:`make_class` with its class report, made once even under pytest-xdist."""
    if worker_id == "master":
        return make_class(tmp_path_factory.mktemp("class"))
    root = tmp_path_factory.getbasetemp().parent / "class-report"
    try:
        root.mkdir()
    except FileExistsError:  # another worker makes it: wait for the page, which is written last
        deadline = time.monotonic() + 600
        while not (root / "out" / "class-report.html").exists():
            assert time.monotonic() < deadline, "the worker making the class report did not finish"
            time.sleep(0.5)
        return root / "out"
    return make_class(root)


def make_class(root):
    """A graded class: two correct submissions, three with catalogued bugs, one unreadable zip."""
    build_submission(root / "ann")
    build_submission(root / "eve<script>")
    build_submission(root / "bob", {"conv": FLIPPED.source})
    build_submission(root / "=cmd", {"conv": FLIPPED.source, "batchnorm": MOMENTUM.source})
    build_submission(root / "dan", {"batchnorm": MOMENTUM.source}, omit=("lstm",))
    (root / "broken.zip").write_bytes(b"not a zip file")
    out = root / "out"
    # `autograder batch` runs run_batch in its own process: a process pool here would leave
    # multiprocessing's resource tracker running under the test process, a leak to the fault tests.
    subprocess.run([sys.executable, "-m", "autograder", "batch", str(root), "--out", str(out), "--jobs", "2"],
                   check=True, capture_output=True)
    write_class_report(out)
    return out


def read_csv(path) -> dict[str, dict]:
    with open(path, newline="") as file:
        return {row["submission"]: row for row in csv.DictReader(file)}


def test_the_page_is_self_contained_with_a_png_for_every_plot(batch_out):
    html = (batch_out / "class-report.html").read_text()
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 5
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    for heading in ("Total scores", "Scores per exercise", "Most frequent misconceptions",
                    "Pass rate of every criterion", "Grading time per submission"):
        assert f"<h2>{heading}</h2>" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "the page must not load anything from elsewhere"


def test_the_page_counts_each_misconception_once_per_submission_with_its_title(batch_out):
    counts = {m.id: (m.title, m.submissions) for m in misconception_counts(load_results(batch_out), COURSE)}
    assert counts == {FLIPPED.id: (FLIPPED.title, 2), MOMENTUM.id: (MOMENTUM.title, 2)}
    html = (batch_out / "class-report.html").read_text()
    for bug in (FLIPPED, MOMENTUM):
        row = re.search(rf"<tr><td>{re.escape(bug.title)}</td><td><code>{bug.id}</code></td>"
                        rf"<td class=\"num\">(\d+)</td>", html)
        assert row and row.group(1) == "2"


def test_the_summary_counts_submissions_and_the_one_that_could_not_be_graded(batch_out):
    html = (batch_out / "class-report.html").read_text()
    assert "<h1>Class report: 6 submissions</h1>" in html
    assert re.search(r'<div class="value low">1</div><div class="label">could not be graded</div>', html)


def test_every_criterion_entry_has_a_csv_with_one_row_per_graded_submission(batch_out):
    report = json.loads((batch_out / "submissions" / "ann" / "report.json").read_text())
    entries = [c for e in report["exercises"] for c in e["criteria"]]
    assert {p.stem for p in (batch_out / "criteria").glob("*.csv")} == {c["id"] for c in entries}
    rows = read_csv(batch_out / "criteria" / "conv.forward.hidden.csv")
    assert set(rows) == {"ann", "eve<script>", "bob", "'=cmd", "dan"}, "the one that could not be graded is left out"
    assert list(next(iter(rows.values()))) == ["submission", "score", "max_score", "passed", "misconception"]
    assert rows["ann"]["passed"] == "True" and rows["ann"]["score"] == rows["ann"]["max_score"]
    assert rows["ann"]["misconception"] == ""
    for name in ("bob", "'=cmd"):
        assert rows[name]["passed"] == "False" and rows[name]["misconception"] == FLIPPED.id
    running = read_csv(batch_out / "criteria" / "batchnorm.running_stats.csv")
    assert running["dan"]["misconception"] == MOMENTUM.id and running["bob"]["passed"] == "True"


def test_the_statistics_leave_out_the_submission_that_could_not_be_graded_and_name_it_with_its_reason(batch_out):
    graded = load_class(batch_out)
    failed = [g for g in graded if g.failed]
    assert [g.name for g in failed] == ["broken"] and "not a readable zip file" in failed[0].reason
    numbers = summary(graded)
    scores = [g.result.score for g in graded if not g.failed]
    assert (numbers["submissions"], numbers["graded"], numbers["errors"]) == (6, 5, 1)
    assert numbers["mean"] == pytest.approx(sum(scores) / 5) and numbers["median"] == sorted(scores)[2]
    html = (batch_out / "class-report.html").read_text()
    listed = re.search(r"<h2>Could not be graded</h2>(.*?)</table>", html, re.DOTALL).group(1)
    assert '<a href="submissions/broken/feedback.html">broken</a>' in listed and failed[0].reason in unescape(listed)


def test_a_table_of_every_submission_links_its_feedback_page(batch_out):
    html = (batch_out / "class-report.html").read_text()
    table = re.search(r"<h2>Every submission</h2>(.*?)</table>", html, re.DOTALL).group(1)
    links = re.findall(r'<a href="(submissions/[^"]+/feedback.html)">', table)
    assert len(links) == 6
    for link in links:
        assert (batch_out / unquote(link)).is_file(), link
    assert "eve%3Cscript%3E" in table and "eve&lt;script&gt;" in table and "<script>" not in table
    bob = re.search(r'<a href="submissions/bob/feedback.html">bob</a>(.*?)</tr>', table, re.DOTALL).group(1)
    assert FLIPPED.id in bob


def test_the_report_command_writes_the_page_and_fails_clearly_without_a_batch(batch_out, tmp_path, capsys):
    assert main(["report", str(batch_out)]) == 0
    assert "class-report.html" in "".join(capsys.readouterr().out.split())
    assert main(["report", str(tmp_path)]) == 2
    assert "no submissions/*/report.json" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(ClassReportError, match="no submissions"):
        write_class_report(tmp_path)


def test_matplotlib_is_imported_by_the_class_report_only():
    code = ("import sys, autograder.cli, autograder.judge.grading, autograder.integrations.batch, "
            "autograder.judge.validate, autograder.judge.diagnosis; print('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"
