"""The Gradescope autograder bundle, run as Gradescope runs it, on a fake ``/autograder`` layout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.course.rubric import load_rubrics
from autograder.integrations.gradescope import SECRET_FILE, build_bundle
from autograder.integrations.gradescope_run import gradescope_identity, run
from autograder.judge.grading import grade
from autograder.judge.secret import DEFAULT_SECRET
from autograder.reports.gradescope import to_gradescope
from autograder.sandbox.isolation import Sandbox, bubblewrap

from builders import build_submission
from hostile import payload

SECRET = "gradescope-test-secret"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_SECRET", SECRET)
        return build_bundle(tmp_path_factory.mktemp("bundle") / "autograder.zip")


def fake_autograder(root: Path, bundle: Path) -> Path:
    """Gradescope's layout: the bundle unpacked in ``source/``, empty ``submission/`` and ``results/``."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    return root


def test_the_bundle_holds_the_scripts_the_grader_the_references_the_rubrics_and_the_secret(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        secret = archive.read(SECRET_FILE).decode()
    assert {"setup.sh", "run_autograder", "pyproject.toml", "autograder/judge/grading.py", "course/course.yaml",
            "course/reference/conv.py", "course/reference/conv.yaml", "course/rubrics/conv.yaml",
            "course/misconceptions/conv.yaml", "course/plugins/dropout.py", "course/exercises/conv.py"} <= names
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert secret == SECRET and DEFAULT_SECRET.decode() not in secret
    assert not [name for name in names if "__pycache__" in name]


def test_setup_sh_and_run_autograder_are_valid_bash(bundle, tmp_path):
    root = fake_autograder(tmp_path, bundle)
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(root / "source" / script)]).returncode == 0


def test_run_autograder_grades_the_submission_into_gradescopes_results_json(bundle, tmp_path):
    root = fake_autograder(tmp_path, bundle)
    build_submission(root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 31415, "email": "ann@uni.edu"}]}))
    environment = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    environment.pop("AUTOGRADER_SECRET", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=environment, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("31415: ")
    results = json.loads((root / "results" / "results.json").read_text())
    tests = results["tests"]
    assert results["score"] == pytest.approx(sum(t["max_score"] for t in tests)) and results["score"] > 0
    for test in tests:
        assert {"name", "score", "max_score", "status", "visibility", "output"} <= set(test)
        assert test["status"] == "passed"
        assert test["visibility"] == ("after_published" if test["name"].split(":")[0].endswith(".hidden")
                                      else "visible")
    assert any(t["visibility"] == "after_published" for t in tests)


def test_an_unreadable_submission_still_gets_a_results_json_with_a_zero(bundle, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SECRET_FILE", "restored after the test: run() points it at the bundle's key")
    root = fake_autograder(tmp_path, bundle)
    (root / "submission" / "notes.txt").write_text("I could not do it")
    result = run(root)
    results = json.loads((root / "results" / "results.json").read_text())
    assert result.score == 0 and results["score"] == 0 and "conv.py is missing" in results["output"]


def test_the_identity_is_the_students_gradescope_id_and_stays_the_same_across_resubmissions(tmp_path):
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"id": 1, "users": [{"id": 8, "email": "b@x"}, {"id": 7, "email": "a@x"}]}))
    assert gradescope_identity(metadata) == "7+8"
    metadata.write_text("{not json")
    assert gradescope_identity(metadata) == "submission"


# -- the sandbox on Gradescope ---------------------------------------------------------------------


def test_setup_sh_runs_the_doctor_and_prints_its_verdict_without_failing_the_build(bundle):
    with zipfile.ZipFile(bundle) as archive:
        setup = archive.read("setup.sh").decode()
    doctor = next(line for line in setup.splitlines() if "autograder doctor" in line)
    assert doctor.startswith("python3 -m autograder doctor") and setup.rstrip().endswith("NOT sandboxed\"")


@pytest.mark.parametrize("use_bubblewrap", [pytest.param(True, marks=pytest.mark.skipif(
    bubblewrap() is None, reason="bubblewrap is missing (CI has it)")), False])
def test_results_json_carries_the_sandbox_status_and_a_visible_test_says_when_it_ran_unsandboxed(tmp_path,
                                                                                                 use_bubblewrap):
    submission = build_submission(tmp_path / "s", omit=("pooling", "rnn", "lstm", "dropout", "batchnorm", "residual"))
    result = grade(submission, load_rubrics(exercises=("conv",)), identity="ann",
                   sandbox=Sandbox(use_bubblewrap=use_bubblewrap))
    results = to_gradescope(result)
    assert results["extra_data"] == {"sandbox": result.sandbox, "sandboxed": use_bubblewrap}
    assert "execution_time" not in results, "the grading time is the submission's to choose: it could carry hidden values"
    flagged = [test for test in results["tests"] if test["name"] == "Sandbox"]
    if use_bubblewrap:
        assert flagged == []
    else:
        assert flagged == [results["tests"][0]] and flagged[0]["visibility"] == "visible"
        assert flagged[0]["output"].startswith("NOT sandboxed") and flagged[0]["max_score"] == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs the grader as root")
def test_without_bubblewrap_on_gradescope_the_secret_and_the_reference_stay_unreadable(bundle, tmp_path, monkeypatch):
    root = Path(tempfile.mkdtemp(prefix="autograder-gradescope-"))
    try:
        root.chmod(0o755)
        fake_autograder(root, bundle)
        targets = [str(root / "source" / SECRET_FILE), str(root / "source/course/reference/conv.py"),
                   str(root / "source/course/rubrics/conv.yaml")]
        build_submission(root / "submission", {"conv": payload("private_files", TARGETS=targets)})
        monkeypatch.setenv("AUTOGRADER_NO_SANDBOX", "1")
        monkeypatch.setenv("AUTOGRADER_SECRET_FILE", "restored after the test: run() points it at the bundle's key")
        monkeypatch.delenv("AUTOGRADER_SECRET", raising=False)
        done = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                              timeout=600, env=dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable))
        assert done.returncode == 0, done.stderr
        text = (root / "results" / "results.json").read_text()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    results = json.loads(text)
    assert results["extra_data"]["sandboxed"] is False and results["tests"][0]["name"] == "Sandbox"
    assert SECRET not in text and "READ " not in text and "BEGIN SOLUTION" not in text
    assert all(f"denied {target}: PermissionError" in text for target in targets), text[:3000]
