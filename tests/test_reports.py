"""The reports: every format is a faithful, safe view of one SubmissionResult."""

from __future__ import annotations

import csv
import json
import os

import pytest

from autograder.reports import write_gradebook, write_gradescope, write_html, write_json, write_markdown
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import criteria_rows, gradebook_header
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.json_report import to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.results import CaseResult, CriterionResult, ExerciseResult, SubmissionResult

MISCONCEPTION = "conv-flipped-kernel"
HINT = "Correlate, do not convolve: do not flip the kernel."


def make_result(
    submission: str = "alice",
    relative_error: float = 0.25,
    message: str = "wrong values",
    output: str = "",
) -> SubmissionResult:
    """A graded submission: conv with a passing public and a failing hidden criterion,
    pooling with one passing criterion, and residual whose file is missing."""
    forward = CriterionResult(
        "conv.forward", "forward matches the reference", "public", 3.0,
        cases=[CaseResult("stride 1, pad 0", True, relative_error=1.5e-12),
               CaseResult("stride 2, pad 1", True, relative_error=2.0e-12)],
    )
    backward = CriterionResult(
        "conv.backward.hidden", "gradients match the reference", "hidden", 2.0,
        cases=[CaseResult("3 channels", False, message, relative_error, MISCONCEPTION, HINT),
               CaseResult("1 channel", True, relative_error=1e-11)],
    )
    pooling = CriterionResult("pooling.max", "max pooling", "public", 4.0, cases=[CaseResult("2x2", True)])
    exercises = [
        ExerciseResult("conv", [forward, backward]),
        ExerciseResult("pooling", [pooling]),
        ExerciseResult("residual", note="residual.py is missing"),
    ]
    return SubmissionResult(submission, exercises, sandbox="Ran in a subprocess without network.",
                            seconds=1.23456, output=output)


def test_json_has_every_contract_field_with_the_right_types_in_order():
    report = to_json_dict(make_result())
    assert isinstance(report["submission"], str)
    assert all(type(report[key]) is float for key in ("score", "max_score", "seconds"))
    assert [e["name"] for e in report["exercises"]] == ["conv", "pooling", "residual"]
    for exercise in report["exercises"]:
        assert type(exercise["score"]) is float and type(exercise["max_score"]) is float
        assert isinstance(exercise["criteria"], list)
    criteria = [c for e in report["exercises"] for c in e["criteria"]]
    for criterion in criteria:
        assert isinstance(criterion["id"], str)
        assert type(criterion["score"]) is float and type(criterion["max_score"]) is float
        assert type(criterion["passed"]) is bool
        assert criterion["visibility"] in ("public", "hidden")
        assert isinstance(criterion["message"], str)
        assert criterion["misconception"] is None or isinstance(criterion["misconception"], str)
        assert criterion["hint"] is None or isinstance(criterion["hint"], str)
        assert isinstance(criterion["cases"], list)
    hidden = report["exercises"][0]["criteria"][1]
    assert (hidden["score"], hidden["passed"], hidden["misconception"], hidden["hint"]) == (1.0, False, MISCONCEPTION, HINT)
    assert report["exercises"][2]["note"] == "residual.py is missing"
    assert report["score"] == 8.0 and report["max_score"] == 9.0


def test_json_survives_strict_dumps_with_an_infinite_relative_error():
    report = to_json_dict(make_result(relative_error=float("inf")))
    json.dumps(report, allow_nan=False)
    hidden = report["exercises"][0]["criteria"][1]
    assert hidden["relative_error"] is None and hidden["cases"][0]["relative_error"] is None


def test_json_keeps_small_relative_errors_visible():
    forward = to_json_dict(make_result())["exercises"][0]["criteria"][0]
    assert forward["relative_error"] == 2.0e-12


def test_html_escapes_a_script_in_a_message():
    page = to_html(make_result(message="<script>alert(1)</script>", output="<b>printed</b>"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>printed</b>" not in page and "&lt;b&gt;printed&lt;/b&gt;" in page
    assert "<details" in page and "residual.py is missing" in page


def test_markdown_shows_the_misconception_hint_note_and_output():
    text = to_markdown(make_result(output="loss ```x``` done"))
    assert f"Recognised mistake: {MISCONCEPTION}" in text
    assert f"Hint: {HINT}" in text
    assert "[3 channels] wrong values" in text
    assert "residual.py is missing" in text
    assert "````text\nloss ```x``` done\n````" in text


def test_markdown_truncates_long_output_and_omits_empty_output():
    assert "Output of your code" not in to_markdown(make_result())
    text = to_markdown(make_result(output="x" * 10_000))
    assert "x" * 10_000 not in text and "more characters not shown" in text


def test_gradescope_tests_have_the_required_fields_and_sum_to_the_total():
    report = to_gradescope(make_result())
    json.dumps(report, allow_nan=False)
    tests = report["tests"]
    assert [t["number"] for t in tests] == ["1.1", "1.2", "2.1"]
    for test in tests:
        assert {"name", "score", "max_score", "status", "visibility", "output"} <= test.keys()
    assert [t["status"] for t in tests] == ["passed", "failed", "passed"]
    assert [t["visibility"] for t in tests] == ["visible", "after_published", "visible"]
    assert MISCONCEPTION in tests[1]["output"] and HINT in tests[1]["output"]
    assert report["score"] == pytest.approx(sum(t["score"] for t in tests))
    assert (report["visibility"], report["stdout_visibility"]) == ("visible", "hidden")


def test_gradebook_csv_has_a_row_per_submission_and_a_column_per_exercise(tmp_path):
    results = [make_result("alice"), make_result("bob"), make_result("=cmd()")]
    path = write_gradebook(results, tmp_path / "gradebook.csv")
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == gradebook_header(["conv", "pooling", "residual"])
    assert [row["submission"] for row in rows] == ["alice", "bob", "'=cmd()"]
    assert rows[0]["conv"] == "4.0" and rows[0]["total"] == "8.0" and rows[0]["status"] == "graded"


def test_criteria_rows_have_one_record_per_submission_and_criterion():
    rows = criteria_rows([make_result("alice"), make_result("bob")])
    assert len(rows) == 6
    assert rows[1] == {"submission": "alice", "exercise": "conv", "criterion": "conv.backward.hidden",
                       "visibility": "hidden", "score": 1.0, "max_score": 2.0, "passed": False,
                       "misconception": MISCONCEPTION}


@pytest.mark.parametrize("write", [write_json, write_markdown, write_html, write_gradescope])
def test_writers_write_atomically_and_leave_no_temporary_files(tmp_path, write):
    path = tmp_path / "reports" / "report.out"
    assert write(make_result(), path) == path
    write(make_result(output="again"), path)
    assert os.listdir(path.parent) == ["report.out"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = atomic_write_text(tmp_path / "report.json", "old")

    def fail(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["report.json"]
