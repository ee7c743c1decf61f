"""Staging is bounded: depth, entries, files, size and time; a hostile archive gets a clear answer, never a traceback.

Each submission is made here as a real folder or zip, and staged or graded for real (the CLI for the
exit status and the message a person reads). ``benchmarks/staging_speed.py`` measures the time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder.integrations.batch import run_batch
from autograder.integrations.packing import PackError, pack_submission
from autograder.sandbox import staging
from autograder.sandbox.staging import SubmissionError, stage

from builders import REFERENCE_DIR, build_notebook, build_submission

CONV = (REFERENCE_DIR / "conv.py").read_text()


def zipped(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def staging_folders(folder: Path) -> list[str]:
    return [p.name for p in folder.glob("autograder-submission-*")]


def grade_cli(submission: Path, tmp: Path | None = None) -> subprocess.CompletedProcess:
    """``autograder grade SUBMISSION --json``; with ``tmp``, its temporary files there (no other test's)."""
    env = {**os.environ, "TMPDIR": str(tmp)} if tmp else None
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--json"],
                          capture_output=True, text=True, timeout=600, env=env)


def deep_folder(root: Path, depth: int) -> Path:
    """``root`` with ``conv.py`` ``depth`` folders down, made without recursion (pathlib's would overflow)."""
    root.mkdir()
    here = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=here)
            below = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = below
        with open(os.open("conv.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=here), "w") as module:
            module.write(CONV)
    finally:
        os.close(here)
    return root


def remove_deep(root: Path) -> None:
    subprocess.run(["rm", "-rf", str(root)], check=True)


def test_a_zip_a_thousand_folders_deep_is_graded_with_a_note_and_leaves_no_staging_folder(tmp_path):
    archive = zipped(tmp_path / "deep.zip", {"/".join(["d"] * 1000 + ["conv.py"]): CONV})
    tmp = Path(tempfile.mkdtemp(prefix="autograder-test-tmp-"))
    tmp.chmod(0o755)  # the worker's unprivileged account reads the staged modules below it
    done = grade_cli(archive, tmp)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert f"more than {staging.MAX_DEPTH} folders deep were not looked at" in done.stdout
    assert staging_folders(tmp) == []
    tmp.rmdir()


def test_a_small_zip_of_deeply_nested_folders_stages_with_bounded_work(tmp_path):
    members = {"/".join([f"b{k}"] + ["d"] * 400 + ["conv.py"]): "x = 1\n" for k in range(14)}
    members["exercises/conv.py"] = CONV
    archive = zipped(tmp_path / "nested.zip", members)
    assert archive.stat().st_size < 30 * 1024
    with stage(archive) as staged:
        assert "conv" not in staged.notes and (staged.path / "conv.py").read_text() == CONV


def test_a_folder_a_thousand_deep_is_staged_and_refused_by_a_batch_in_a_sentence(tmp_path):
    folder = deep_folder(tmp_path / "deep", 1000)
    try:
        with stage(folder) as staged:
            assert "more than" in staged.notes["conv"] and "folders deep" in staged.notes["conv"]
        with pytest.raises(PackError, match="levels deep"):
            pack_submission(folder)
    finally:
        remove_deep(folder)


def test_staging_ends_with_a_clear_error_once_the_submissions_deadline_has_passed(tmp_path):
    submission = build_submission(tmp_path / "s")
    with pytest.raises(SubmissionError, match="staging took longer than the submission's time limit"):
        stage(submission, deadline=time.monotonic() - 1)


@pytest.mark.parametrize("what, members, message", [
    ("too many Python files", {f"helpers/h{k}.py": "" for k in range(staging.MAX_FILES + 1)},
     f"holds more than {staging.MAX_FILES} Python files"),
    ("too many bytes", {f"big{k}.py": "#" * (staging.MAX_FILE_BYTES - 10) for k in range(26)},
     f"more than {staging.MAX_TOTAL_BYTES // 2**20} MB together"),
    ("not a zip", None, "not a readable zip file"),
])
def test_a_submission_beyond_the_bounds_is_refused_with_an_actionable_error_not_a_traceback(tmp_path, what, members,
                                                                                           message):
    archive = tmp_path / "s.zip"
    if members is None:
        archive.write_bytes(b"PK\x03\x04 truncated")
    else:
        zipped(archive, members)
    done = grade_cli(archive)
    assert done.returncode == 2, (done.returncode, done.stdout[-500:])
    assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr, done.stderr[-2000:]


def test_a_folder_with_too_many_entries_is_refused_but_hidden_folders_are_not_entered(tmp_path):
    submission = build_submission(tmp_path / "s")
    (submission / ".git").mkdir()
    for k in range(staging.MAX_ENTRIES + 10):
        (submission / ".git" / f"object{k}").touch()
    with stage(submission) as staged:
        assert staged.notes == {}
    (submission / "data").mkdir()
    for k in range(staging.MAX_ENTRIES + 10):
        (submission / "data" / f"sample{k}.txt").touch()
    with pytest.raises(SubmissionError, match=f"more than {staging.MAX_ENTRIES} files and folders"):
        stage(submission)


def test_clashing_names_stage_one_module_each_without_crashing(tmp_path):
    archive = zipped(tmp_path / "clash.zip", {
        "exercises/conv.py": CONV, "exercises/conv.py/evil.py": "import os\n", "__MACOSX/exercises/conv.py": "x = 1\n",
        "exercises\\pooling.py": (REFERENCE_DIR / "pooling.py").read_text(), ".hidden/exercises/conv.py": "x = 1\n"})
    with stage(archive) as staged:
        assert (staged.path / "conv.py").read_text() == CONV
        assert (staged.path / "pooling.py").exists(), "backslashes of a zip made on Windows are folder separators"
    both = build_submission(tmp_path / "both", omit=("conv",))
    build_notebook(both / "conv.ipynb", "conv", source="def conv2d_forward(*a):\n    return None\n")
    (both / "conv.py").write_text(CONV)
    with stage(both) as staged:
        assert (staged.path / "conv.py").read_text() == CONV, "a module beside a notebook of its exercise wins"


def test_a_notebook_too_large_to_read_scores_zero_with_a_note(tmp_path):
    notebook = tmp_path / "conv.ipynb"
    notebook.write_text('{"cells": [], "padding": "' + "x" * staging.MAX_FILE_BYTES + '"}')
    with stage(notebook) as staged:
        assert "larger than 2 MB" in staged.notes["conv"]


def test_a_batch_goes_on_past_a_submission_beyond_the_bounds(tmp_path):
    classroom, out = tmp_path / "class", tmp_path / "out"
    build_submission(classroom / "ann")
    zipped(classroom / "mallory.zip", {f"h{k}.py": "" for k in range(staging.MAX_FILES + 1)})
    summary = run_batch(classroom, out, jobs=1)
    rows = {row.split(",")[0]: row for row in (out / "gradebook.csv").read_text().splitlines()[1:]}
    assert rows["ann"].endswith(",graded") and rows["mallory.zip"].endswith(",error") and summary.errors == 1
