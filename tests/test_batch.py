"""``autograder batch``: a whole class in parallel, a gradebook, resumable after a crash."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from autograder.integrations.batch import run_batch
from builders import EXERCISES, build_submission


BROKEN_CONV = "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return x, None\n"


def make_class(root: Path, students: int = 3) -> Path:
    """A class folder: correct folders, one zip, one submission with a bug, one unreadable zip."""
    root.mkdir()
    for k in range(students):
        build_submission(root / f"student{k}")
    build_submission(root / "buggy", {"conv": BROKEN_CONV})
    with zipfile.ZipFile(root / "zipped.zip", "w") as archive:
        for file in (root / "student0").iterdir():
            archive.write(file, f"zipped/{file.name}")
    (root / "garbage.zip").write_bytes(b"this is not a zip file")
    return root


def read_gradebook(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="") as file:
        return {row["submission"]: row for row in csv.DictReader(file)}


def test_batch_writes_a_gradebook_row_and_reports_per_submission_and_survives_a_bad_one(tmp_path):
    out = tmp_path / "out"
    summary = run_batch(make_class(tmp_path / "class", students=2), out, jobs=2)
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
    classroom, out = make_class(tmp_path / "class", students=1), tmp_path / "out"
    run_batch(classroom, out, jobs=2)
    again = run_batch(classroom, out, jobs=2)
    assert (again.graded, again.skipped) == (0, 4)
    (classroom / "student0" / "conv.py").write_text(BROKEN_CONV)
    third = run_batch(classroom, out, jobs=2)
    assert (third.graded, third.skipped) == (1, 3)
    assert float(read_gradebook(out)["student0"]["conv"]) == 0


def test_batch_killed_with_sigkill_resumes_without_half_written_files(tmp_path):
    classroom, out = make_class(tmp_path / "class", students=6), tmp_path / "out"
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
