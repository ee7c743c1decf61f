"""One rounding rule: the gradebook and every report (JSON, Markdown, HTML, Gradescope) show the same points."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

from hypothesis import given, settings, strategies as st

from autograder.course.model import load_course
from autograder.reports.gradebook import gradebook_header, gradebook_row
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.results import CaseResult, CriterionResult, ExerciseResult, SubmissionResult, format_points, points

from builders import EXAMPLE_COURSE, build_submission

entries = st.tuples(st.integers(1, 7), st.integers(1, 9), st.integers(0, 9), st.lists(st.booleans(), min_size=1,
                                                                                           max_size=9))


def result_of(drawn: list[list[tuple]]) -> SubmissionResult:
    """A result whose every entry has ``points * cases / all cases`` points, as grading splits a criterion."""
    exercises = []
    for n, criteria in enumerate(drawn):
        made = [CriterionResult(f"e{n}.c{k}", "", "public", weight * len(passed) / (len(passed) + other),
                                [CaseResult("case", ok) for ok in passed])
                for k, (weight, _, other, passed) in enumerate(criteria)]
        exercises.append(ExerciseResult(f"e{n}", made))
    return SubmissionResult("alice", exercises, sandbox="Sandboxed with bubblewrap (a made-up result).")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(entries, min_size=1, max_size=6), min_size=1, max_size=5))
def test_the_gradebook_and_every_report_show_the_same_points(drawn):
    result = result_of(drawn)
    report = json.loads(json.dumps(to_json_dict(result)))
    rebuilt = from_json_dict(report)  # what the batch's gradebook is written from
    names = [e.name for e in result.exercises]
    row = dict(zip(gradebook_header(names), gradebook_row(rebuilt)))
    assert [row[name] for name in names] == [e["score"] for e in report["exercises"]] == [e.score for e in result.exercises]
    assert [row["total"], row["max_total"]] == [report["score"], report["max_score"]]
    gradescope = to_gradescope(result)
    assert gradescope["score"] == report["score"] == points(sum(test["score"] for test in gradescope["tests"]))
    assert [t["score"] for t in gradescope["tests"]] == [c["score"] for e in report["exercises"] for c in e["criteria"]]
    total = f"{format_points(report['score'])} / {format_points(report['max_score'])}"
    assert total in to_markdown(result) and total in to_html(result) and total in gradescope["output"]


def test_format_points_shows_the_rounded_value_without_trailing_zeros():
    assert [format_points(v) for v in (3, 2.5, 2 / 7, 1e-9, -0.0, 66.00004)] == ["3", "2.5", "0.2857", "0", "0", "66"]


def test_a_real_batch_writes_the_same_points_in_its_gradebook_report_and_feedback(tmp_path):
    course = load_course(EXAMPLE_COURSE)
    classroom = tmp_path / "class"
    bug = (EXAMPLE_COURSE / "misconceptions" / "affine" / "bias_forgotten.py").read_text()
    build_submission(classroom / "ann", course=course)
    build_submission(classroom / "ben", {"affine": (EXAMPLE_COURSE / "reference" / "affine.py").read_text() + bug},
                     course=course)
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out), "--course",
                    str(EXAMPLE_COURSE), "--jobs", "2"], check=True, capture_output=True, timeout=600)
    with open(out / "gradebook.csv", newline="") as file:
        rows = {row["submission"]: row for row in csv.DictReader(file)}
    for name in ("ann", "ben"):
        report = json.loads((out / "submissions" / name / "report.json").read_text())
        for exercise in report["exercises"]:
            assert float(rows[name][exercise["name"]]) == exercise["score"]
        assert float(rows[name]["total"]) == report["score"]
        title = re.search(r"<h1>Feedback for [^:]+: ([^<]+)</h1>", (out / "submissions" / name / "feedback.html").read_text())
        assert title[1] == f"{format_points(report['score'])} / {format_points(report['max_score'])}"
    assert 0 < float(rows["ben"]["total"]) < float(rows["ben"]["max_total"])
