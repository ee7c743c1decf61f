"""The ``autograder`` command line, run as a user runs it: a separate process."""

from __future__ import annotations

import json
import subprocess
import sys

from builders import EXERCISES, REFERENCE_DIR, build_submission, on_reference



def autograder(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=cwd)


def test_no_arguments_explains_every_command():
    done = autograder()
    assert done.returncode == 0
    for command in ("check", "grade", "batch", "validate"):
        assert command in done.stdout


def test_grade_json_prints_only_the_contract_report(tmp_path):
    noisy = on_reference("conv", "print('{\"score\": 1000}')\n")
    done = autograder("grade", str(build_submission(tmp_path / "s", {"conv": noisy})), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] > 0
    assert [e["name"] for e in report["exercises"]] == list(EXERCISES)
    criterion = report["exercises"][0]["criteria"][0]
    assert {"id", "score", "max_score", "passed", "visibility", "message", "misconception", "hint"} <= set(criterion)


def test_grade_of_a_missing_path_fails_with_a_message_and_nonzero_status(tmp_path):
    done = autograder("grade", str(tmp_path / "nothing"))
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_check_grades_the_exercises_folder_on_public_cases_only(tmp_path):
    build_submission(tmp_path / "exercises", omit=("rnn",))
    done = autograder("check", "--json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["mode"] == "check"
    assert all(c["visibility"] == "public" for e in report["exercises"] for c in e["criteria"])
    assert next(e for e in report["exercises"] if e["name"] == "rnn")["score"] == 0


def test_grade_out_writes_every_report_format(tmp_path):
    out = tmp_path / "reports"
    done = autograder("grade", str(REFERENCE_DIR), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {"report.json", "feedback.md", "feedback.html", "results.json"}
    assert json.loads((out / "results.json").read_text())["tests"]
