"""The late policy: deadlines in course.yaml, submission times from nbgrader's timestamp, Gradescope's metadata
or a CSV, and one penalty that every report (JSON, feedback, gradebook, Gradescope) shows alike."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from autograder.course.late import LateError, LatePolicy, lateness, parse_time, read_submission_times
from autograder.course.model import CourseError, load_course
from autograder.integrations.gradescope_run import gradescope_times
from autograder.reports.gradebook import gradebook_header, gradebook_row
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.results import CaseResult, CriterionResult, ExerciseResult, SubmissionResult

from builders import EXAMPLE_COURSE, build_submission

DEADLINE = datetime(2025, 3, 7, 23, 59, tzinfo=timezone(timedelta(hours=1)))
TEN_PER_DAY = LatePolicy("per_day", percent_per_day=10, max_percent=50, grace_minutes=15)


def days(value: float) -> timedelta:
    return timedelta(days=value)


@pytest.mark.parametrize("late, fraction", [
    (timedelta(0), 0.0), (timedelta(minutes=15), 0.0), (timedelta(minutes=16), 0.1), (days(1) + timedelta(minutes=15), 0.1),
    (days(1) + timedelta(minutes=16), 0.2), (days(30), 0.5)])
def test_per_day_takes_a_share_of_the_points_earned_per_started_day_after_the_grace_period(late, fraction):
    assert TEN_PER_DAY.fraction(late.total_seconds()) == pytest.approx(fraction)
    assert lateness(80, DEADLINE + late, DEADLINE, TEN_PER_DAY).penalty == pytest.approx(80 * fraction)


def test_zero_takes_everything_once_late_and_none_records_lateness_without_a_penalty():
    assert lateness(66, DEADLINE + days(9), DEADLINE, LatePolicy("zero")).penalty == 66
    assert lateness(66, DEADLINE - days(1), DEADLINE, LatePolicy("zero")).penalty == 0
    late = lateness(66, DEADLINE + days(9), DEADLINE, LatePolicy())
    assert (late.penalty, late.seconds_late, late.late) == (0, 9 * 86400, True)
    assert late.submitted == "2025-03-16T23:59:00+01:00" and late.deadline == "2025-03-07T23:59:00+01:00"


@pytest.mark.parametrize("text, hour", [("2025-03-07T23:59:00Z", 23), ("2025-03-07 22:59:00 UTC", 22),
                                        ("2025-03-07T23:59:00+01:00", 22)])
def test_times_with_an_offset_are_read_and_compared_across_zones(text, hour):
    assert parse_time(text) == datetime(2025, 3, 7, hour, 59, tzinfo=timezone.utc)


def test_a_time_without_an_offset_is_refused_with_an_example_except_nbgraders_which_are_utc():
    with pytest.raises(LateError, match=r"deadlines.core: 2025-03-07T23:59:00 has no offset from UTC; expected e.g."):
        parse_time("2025-03-07T23:59:00", "deadlines.core")
    assert parse_time("2025-01-15 10:00:00.000000", assume_utc=True).tzinfo == timezone.utc
    with pytest.raises(LateError, match="not an ISO 8601 time"):
        parse_time("next friday")


def own_course(tmp_path, extra: str):
    """A copy of the example course whose course.yaml ends with ``extra``."""
    course = tmp_path / "course"
    shutil.copytree(EXAMPLE_COURSE, course)
    with (course / "course.yaml").open("a") as file:
        file.write(extra)
    return course


def test_deadlines_and_the_policy_in_course_yaml_are_validated_against_the_schema(tmp_path):
    course = load_course(own_course(tmp_path / "good", "deadlines: {week1: 2025-03-07T23:59:00+01:00, week2: "
                                                       "'2025-03-14T23:59:00Z'}\nlate_policy: {method: per_day, "
                                                       "percent_per_day: 10}\n"))
    assert course.deadline("week1") == DEADLINE and course.deadline() == datetime(2025, 3, 14, 23, 59, tzinfo=timezone.utc)
    assert course.late_policy == LatePolicy("per_day", 10)
    for extra, message in (("deadlines: {week9: '2025-03-07T23:59:00Z'}\n", "deadlines.week9: 'week9' is no assignment"),
                           ("deadlines: {week1: 2025-03-07}\n", "deadlines.week1: 2025-03-07 is a day, not a time"),
                           ("late_policy: {method: halve}\n", "late_policy.method: 'halve' is not one of"),
                           ("late_policy: {percent_per_day: 150}\n", "late_policy.percent_per_day: 150 is greater")):
        with pytest.raises(CourseError, match=message):
            load_course(own_course(tmp_path / str(abs(hash(extra))), extra))


def test_the_deadline_does_not_change_the_course_version_so_a_batch_is_not_regraded_for_it(tmp_path):
    assert load_course(own_course(tmp_path / "a", "deadlines: {week1: '2025-03-07T23:59:00Z'}\n")).version == \
        load_course(own_course(tmp_path / "b", "deadlines: {week1: '2025-04-07T23:59:00Z'}\n")).version


def result_with_fractions(late=None) -> SubmissionResult:
    """A result whose points need rounding: 5 points over 3 and 7 cases, some failed."""
    entries = [CriterionResult("a", "", "public", 5 * 3 / 10, [CaseResult("x", k != 1) for k in range(3)]),
               CriterionResult("a.hidden", "", "hidden", 5 * 7 / 10, [CaseResult("x", k % 3 > 0) for k in range(7)])]
    return SubmissionResult("alice", [ExerciseResult("affine", entries)], identity="alice", late=late)


def test_every_report_shows_the_same_penalty_and_total():
    result = result_with_fractions(lateness(3.0, DEADLINE + days(2), DEADLINE, TEN_PER_DAY))
    total, penalty = result.score, result.penalty
    assert penalty > 0 and total == pytest.approx(result.raw_score - penalty, abs=1e-12)
    report = to_json_dict(result)
    assert (report["score"], report["late"]["penalty"], report["late"]["raw_score"]) == (total, penalty, result.raw_score)
    assert to_gradescope(result)["score"] == total
    row = dict(zip(gradebook_header(["affine"]), gradebook_row(result)))
    assert (row["late_penalty"], row["total"]) == (penalty, total)
    again = from_json_dict(json.loads(json.dumps(report)))
    assert (again.score, again.penalty, again.late) == (total, penalty, result.late)
    shown = f"late penalty {penalty:g} points"
    for text in (to_markdown(result), to_html(result), to_gradescope(result)["output"]):
        assert shown in text and "2 days after the deadline (2025-03-07T23:59:00+01:00)" in text


def test_gradescope_metadata_gives_the_submission_time_and_the_due_date(tmp_path):
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"created_at": "2018-07-01T14:22:32.365935-07:00",
                                    "assignment": {"due_date": "2018-07-31T23:00:00.000000-07:00"}, "users": []}))
    submitted, due = gradescope_times(metadata)
    assert submitted == datetime(2018, 7, 1, 21, 22, 32, 365935, tzinfo=timezone.utc)
    assert due == datetime(2018, 8, 1, 6, 0, tzinfo=timezone.utc)
    metadata.write_text("{not json")
    assert gradescope_times(metadata) == (None, None)


def test_a_csv_of_submission_times_names_a_bad_row(tmp_path):
    times = tmp_path / "times.csv"
    times.write_text("submission,submitted_at\nalice,2025-03-08T10:00:00+01:00\nbob,tomorrow\n")
    with pytest.raises(LateError, match=r"times.csv, row 3: 'tomorrow' is not an ISO 8601 time"):
        read_submission_times(times)
    times.write_text("name,when\nalice,2025-03-08T10:00:00Z\n")
    with pytest.raises(LateError, match="expected the columns submission and submitted_at"):
        read_submission_times(times)


def batch(course, classroom, out, *options):
    """``autograder batch`` in its own process (a pool in the test process would leave its resource tracker)."""
    command = [sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out), "--course", str(course),
               "--jobs", "2", *options]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_batch_applies_the_policy_to_every_report_and_a_new_deadline_without_regrading(tmp_path):
    course = own_course(tmp_path, "deadlines: {week2: 2025-03-07T23:59:00+01:00}\nlate_policy: {method: per_day, "
                                  "percent_per_day: 10, max_percent: 50, grace_minutes: 15}\n")
    classroom = tmp_path / "class"
    for name in ("alice", "bob", "carol", "dan"):
        build_submission(classroom / name, course=load_course(course))
    (classroom / "alice" / "timestamp.txt").write_text("2025-03-09 23:00:00.000000 UTC")  # 2 days late: 20%
    times = tmp_path / "times.csv"
    times.write_text("submission,submitted_at\nbob,2025-03-07T20:00:00+01:00\ncarol,2025-03-08T00:10:00+01:00\n")
    out = tmp_path / "out"
    batch(course, classroom, out, "--submission-times", str(times))

    def reports():
        return {name: json.loads((out / "submissions" / name / "report.json").read_text())
                for name in ("alice", "bob", "carol", "dan")}

    def gradebook():
        with open(out / "gradebook.csv", newline="") as file:
            return {row["submission"]: row for row in csv.DictReader(file)}

    first, rows = reports(), gradebook()
    full = first["dan"]["max_score"]
    assert first["dan"]["late"] is None, "no time known: no lateness"
    assert first["bob"]["late"]["seconds_late"] == 0 and first["bob"]["score"] == full
    assert first["carol"]["late"]["penalty"] == 0, "11 minutes late: within the grace period"
    assert first["alice"]["late"]["penalty"] == pytest.approx(0.2 * full) and first["alice"]["score"] == pytest.approx(0.8 * full)
    for name, report in first.items():
        assert float(rows[name]["total"]) == report["score"]
        assert float(rows[name]["late_penalty"]) == (report["late"] or {}).get("penalty", 0)
    assert "late penalty" in (out / "submissions" / "alice" / "feedback.html").read_text()

    output = batch(course, classroom, out, "--submission-times", str(times), "--deadline", "2025-03-20T00:00:00Z")
    assert "Graded 0, skipped 4" in output
    second, rows = reports(), gradebook()
    assert second["alice"]["late"]["penalty"] == 0 and second["alice"]["score"] == full == float(rows["alice"]["total"])
    assert second["alice"]["content_hash"] == first["alice"]["content_hash"], "the report keeps what it was graded from"
    assert "late penalty" not in (out / "submissions" / "alice" / "feedback.html").read_text()


def test_on_gradescope_the_due_date_of_the_metadata_applies_when_the_course_has_no_deadline(tmp_path, monkeypatch):
    from autograder.integrations.gradescope_run import run

    course = own_course(tmp_path, "late_policy: {method: per_day, percent_per_day: 10}\n")
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course))
    monkeypatch.setenv("AUTOGRADER_SECRET", "gradescope-late-test")
    root = tmp_path / "autograder"
    build_submission(root / "submission", course=load_course(course))
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2025-03-09T12:00:00.000000-08:00", "users": [{"id": 31415}],
        "assignment": {"due_date": "2025-03-07T23:59:00.000000-08:00", "late_due_date": None}}))
    result = run(root)
    results = json.loads((root / "results" / "results.json").read_text())
    assert result.penalty == pytest.approx(0.2 * result.raw_score) and results["score"] == result.score
    assert results["score"] < sum(test["score"] for test in results["tests"]) == result.raw_score
    assert f"late penalty {result.penalty:g} points" in results["output"]
