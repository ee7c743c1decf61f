"""``autograder batch``: a whole class in parallel, a gradebook, resumable after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course.model import load_course
from autograder.course.rubric import load_rubrics
from autograder.integrations.batch import BatchError, GradingContext, Job, _Writer, grade_one, run_batch, survey
from autograder.integrations.journal import Journal
from autograder.integrations.packing import pack_submission
from autograder.judge.cases import load_secret
from builders import BROKEN_CONV, EXERCISES, ROOT, build_class, build_submission, read_gradebook


def test_batch_writes_a_gradebook_row_and_reports_per_submission_and_survives_a_bad_one(tmp_path):
    out = tmp_path / "out"
    summary = run_batch(build_class(tmp_path / "class", students=2), out, jobs=2)
    rows = read_gradebook(out)
    assert set(rows) == {"student0", "student1", "buggy", "zipped.zip", "garbage.zip"}
    assert list(next(iter(rows.values())))[2:2 + len(EXERCISES)] == list(EXERCISES)
    assert rows["student0"]["total"] == rows["student0"]["max_total"] == rows["zipped.zip"]["total"]
    assert float(rows["buggy"]["conv"]) == 0 and rows["buggy"]["status"] == "graded"
    assert rows["garbage.zip"]["status"] == "error" and float(rows["garbage.zip"]["total"]) == 0
    assert summary.errors == 1
    for name in ("student0", "buggy", "zipped", "garbage"):
        assert json.loads((out / "submissions" / name / "report.json").read_text())["exercises"]
        assert (out / "submissions" / name / "feedback.html").exists()


def test_rerun_skips_what_is_graded_and_regrades_what_changed(tmp_path):
    classroom, out = build_class(tmp_path / "class", students=1), tmp_path / "out"
    run_batch(classroom, out, jobs=2)
    again = run_batch(classroom, out, jobs=2)
    assert (again.graded, again.skipped) == (0, 4)
    (classroom / "student0" / "conv.py").write_text(BROKEN_CONV)
    third = run_batch(classroom, out, jobs=2)
    assert (third.graded, third.skipped) == (1, 3)
    assert float(read_gradebook(out)["student0"]["conv"]) == 0


def test_batch_killed_with_sigkill_resumes_without_half_written_files(tmp_path):
    classroom, out = build_class(tmp_path / "class", students=6), tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("submissions/*/report.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    graded_before = len(list(out.glob("submissions/*/report.json")))
    assert 0 < graded_before
    for report in out.glob("submissions/*/report.json"):
        json.loads(report.read_text())
    resumed = run_batch(classroom, out, jobs=2)
    assert resumed.skipped >= graded_before and resumed.graded + resumed.skipped == 9
    assert len(read_gradebook(out)) == 9
    assert not list(out.glob("**/.*.tmp"))


SMALL = load_course(ROOT / "examples" / "course")
"""The example course (an affine layer and a ReLU): quick to grade, for the tests of steering a batch."""


def small_class(root: Path, names: tuple[str, ...] = ("alice", "bob")) -> Path:
    for name in names:
        build_submission(root / name, course=SMALL)
    return root


def test_every_entry_that_is_not_a_submission_is_named_in_a_warning(tmp_path):
    classroom = small_class(tmp_path / "class")
    for name in ("notes.tar.gz", "helper.py", "README.txt"):
        (classroom / name).write_text("x")
    (classroom / "__MACOSX").mkdir()
    (classroom / ".DS_Store").write_text("")
    submissions, warnings = survey(classroom, SMALL)
    assert [p.name for p in submissions] == ["alice", "bob"]
    assert len(warnings) == 4
    assert any("notes.tar.gz" in w and "unpack it" in w for w in warnings)
    assert any("helper.py" in w and "a module on its own" in w for w in warnings)


def test_a_single_submission_folder_passed_by_mistake_is_refused_with_a_non_zero_exit(tmp_path, capsys):
    alice = build_submission(tmp_path / "alice", course=SMALL)
    status = main(["batch", str(alice), "--out", str(tmp_path / "out"), "--course", str(SMALL.root)])
    assert status == 2
    error = " ".join(capsys.readouterr().err.split())
    assert "looks like one submission" in error and "autograder grade" in error
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_a_folder_with_nothing_to_grade_is_refused(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "all.tar.gz").write_bytes(b"x")
    with pytest.raises(BatchError, match="nothing to grade"):
        run_batch(tmp_path / "class", tmp_path / "out", course=SMALL)


def test_two_submissions_with_one_name_are_refused_before_anything_is_graded(tmp_path):
    classroom = small_class(tmp_path / "class", ("alice",))
    with zipfile.ZipFile(classroom / "Alice.zip", "w") as archive:
        archive.writestr("affine.py", "")
    with pytest.raises(BatchError, match="the same student.*Alice.zip and alice/"):
        run_batch(classroom, tmp_path / "out", course=SMALL)
    assert not (tmp_path / "out" / "submissions").exists()


def test_only_and_force_regrade_one_submission_and_keep_the_others_rows(tmp_path):
    classroom, out = small_class(tmp_path / "class"), tmp_path / "out"
    run_batch(classroom, out, jobs=2, course=SMALL)
    assert (run_batch(classroom, out, course=SMALL, only=["alice"]).skipped) == 1
    again = run_batch(classroom, out, course=SMALL, only=["alice/"], force=True)
    assert (again.graded, again.skipped) == (1, 0)
    assert set(read_gradebook(out)) == {"alice", "bob"}
    with pytest.raises(BatchError, match="no submission named alicia .did you mean alice"):
        run_batch(classroom, out, course=SMALL, only=["alicia"])


def test_student_ids_come_from_gradescope_metadata_and_a_roster_overrides_them(tmp_path):
    classroom = small_class(tmp_path / "class", ("submission_101", "submission_102"))
    (classroom / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: Ann\n    :sid: '1001'\n    :email: ann@example.org\n"
        "submission_102:\n  :submitters:\n  - :name: Bo\n    :email: bo@example.org\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student_id\nsubmission_102,2002\n")
    summary = run_batch(classroom, tmp_path / "out", jobs=2, course=SMALL, roster=roster)
    assert not summary.warnings
    rows = read_gradebook(tmp_path / "out")
    assert (rows["submission_101"]["student_id"], rows["submission_102"]["student_id"]) == ("1001", "2002")


def test_failures_are_named_with_their_reason_in_the_summary_and_in_each_report(tmp_path):
    classroom = small_class(tmp_path / "class", ("alice",))
    (classroom / "broken.zip").write_bytes(b"not a zip")
    summary = run_batch(classroom, tmp_path / "out", jobs=2, course=SMALL)
    assert summary.failures == [("broken.zip", summary.failures[0][1])]
    assert "not a readable zip file" in summary.failures[0][1] and str(tmp_path) not in summary.failures[0][1]
    data = json.loads((tmp_path / "out" / "submissions" / "broken" / "report.json").read_text())
    assert (data["status"], data["reason"]) == ("error", summary.failures[0][1])


def test_a_result_that_arrives_twice_is_written_once(tmp_path):
    classroom, out = small_class(tmp_path / "class", ("alice",)), tmp_path / "out"
    job = Job(pack_submission(classroom / "alice"), "alice", {"content_hash": "x", "course_version": SMALL.version,
                                                             "assignment": "all", "notebook_cells": "solution"})
    context = GradingContext(SMALL, load_rubrics(SMALL), load_secret())
    result = grade_one(job, context)
    with Journal(out) as journal:
        writer = _Writer(out, journal, SMALL.names)
        writer.accept(job, result)
        writer.accept(job, result)
    assert (writer.graded, writer.duplicates) == (1, 1)
    assert len((out / "journal.jsonl").read_text().splitlines()) == 1


def test_a_submission_that_kills_its_own_sandbox_worker_is_graded_once_and_not_retried(tmp_path):
    classroom, out = tmp_path / "class", tmp_path / "out"
    build_submission(classroom / "mallory", {"affine": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"},
                     course=SMALL)
    first = run_batch(classroom, out, course=SMALL)
    row = read_gradebook(out)["mallory"]
    assert (first.errors, row["status"], float(row["affine"])) == (0, "graded", 0.0)
    assert run_batch(classroom, out, course=SMALL).skipped == 1


def test_a_second_batch_on_the_same_out_is_refused_while_the_first_runs(tmp_path):
    classroom = small_class(tmp_path / "class", ("alice",))
    with Journal(tmp_path / "out"):
        with pytest.raises(BatchError, match="another `autograder batch`"):
            run_batch(classroom, tmp_path / "out", course=SMALL)
