"""nbgrader's late policy, for real: a submission nine days late under penalty method "zero" scores zero in
nbgrader's gradebook and export, as ``nbgrader autograde`` would give it, and the student's feedback says so."""

from __future__ import annotations

import csv

import pytest

pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402

from autograder.course.rubric import load_rubrics  # noqa: E402

from test_nbgrader import ASSIGNMENT, EXERCISES, make_course, run  # noqa: E402

DUE = "2025-01-06 10:00:00 UTC"
"""Nine days before alice's timestamp (2025-01-15 10:00:00 UTC, written by make_course); bob and eve have none."""


def test_a_submission_nine_days_late_under_penalty_method_zero_scores_zero_in_nbgraders_gradebook(tmp_path):
    """One test, as the course is slow to make with nbgrader: late, then on time after the due date moves."""
    course = make_course(tmp_path)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    run("nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={DUE}", cwd=course)
    run("autograder", "nbgrader", str(course), ASSIGNMENT, cwd=course)
    run("nbgrader", "export", "--to", "grades.csv", cwd=course)

    total = sum(c.points for rubric in load_rubrics(exercises=EXERCISES) for c in rubric.criteria)
    rows = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    alice = rows["alice"]
    assert float(alice["raw_score"]) == pytest.approx(total) == 66
    assert float(alice["late_submission_penalty"]) == pytest.approx(total)
    assert float(alice["score"]) == 0
    assert float(rows["eve"]["late_submission_penalty"]) == 0 and float(rows["eve"]["score"]) > 0, "eve has no timestamp"

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-layers") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "alice")
        assert submission.total_seconds_late == pytest.approx(9 * 86400)
        assert all(nb.score > 0 and nb.late_submission_penalty == pytest.approx(nb.score) for nb in submission.notebooks)

    feedback = (course / "feedback" / "alice" / ASSIGNMENT / "01_conv.html").read_text()
    assert "9 days after the deadline" in feedback and "penalty method &#39;zero&#39;" in feedback

    # a later due date, and the regraded submission is on time: its penalty is gone
    run("nbgrader", "db", "assignment", "add", ASSIGNMENT, "--duedate=2025-01-20 10:00:00 UTC", cwd=course)
    run("autograder", "nbgrader", str(course), ASSIGNMENT, "--student", "alice", cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-layers") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "alice")
        assert (submission.total_seconds_late, submission.late_submission_penalty) == (0, 0)
        assert submission.score == pytest.approx(total)
