"""The red team's second round: attacks beyond ``test_attacks.py``, on what a worker shares with the machine.

Each attack is a hostile module (or the description of a hostile zip or notebook) in
``tests/payloads/attacks/``, graded for real through the worker and the sandbox, or run in a worker
directly when the attack is on the sandbox itself (``probe``). The areas: privilege (ptrace, the
memory of other processes, signals), kernel interfaces (mount tables, System V IPC, the kernel
keyring, abstract sockets), what one worker leaves to the next or to another at the same time, the
wire between worker and grader (pickles, hooks, huge values, floods), side channels in the
reports (timing), staging (symlinks and escaping names in a zip, notebook metadata) and the batch's
output folder (names, writes, a daemon that outlives grading to rewrite results).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from autograder.course.model import load_course
from autograder.integrations.batch import run_batch
from autograder.judge.grading import grade
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.markdown import to_markdown
from autograder.sandbox.isolation import Limits, Sandbox, bubblewrap
from autograder.sandbox.privileges import DEFAULT_UIDS, UIDS_ENV
from autograder.sandbox.runner import Runner
from autograder.sandbox.staging import stage

from builders import EXAMPLE_COURSE, REFERENCE_DIR, build_notebook, read_gradebook
from hostile import (ATTACKS, CONV_ZEROS, IDENTITY, conv_rubrics, course_rubrics, fast_sandbox, lingering, marker, payload,
                     run_grade, student_texts)

SECRET = "redteam-secret-77f1c2"

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the grader runs as root only in CI and on Gradescope")
with_bubblewrap = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap is missing (CI has it)")
MODES = [pytest.param(True, id="bubblewrap", marks=with_bubblewrap),
         pytest.param(False, id="without bubblewrap", marks=as_root)]
"""Both ways a worker runs; without bubblewrap only as root, where the worker still runs as an account of its own."""


@pytest.fixture(autouse=True)
def secret(monkeypatch) -> str:
    monkeypatch.setenv("AUTOGRADER_SECRET", SECRET)
    monkeypatch.delenv("AUTOGRADER_SECRET_FILE", raising=False)
    return SECRET


def sandbox_of(use_bubblewrap: bool, **limits) -> Sandbox:
    return Sandbox(Limits(**{"call_seconds": 5, "submission_seconds": 60, **limits}), use_bubblewrap=use_bubblewrap)


def probe(folder: Path, source: str, function: str, args: tuple = (), sandbox: Sandbox | None = None):
    """What ``function(*args)`` of a conv.py holding ``source`` returns, run in a worker of its own."""
    folder.mkdir(parents=True)
    (folder / "conv.py").write_text(source)
    with stage(folder) as staged, Runner(staged.path, sandbox or fast_sandbox(call_seconds=5)) as runner:
        assert runner.import_module("conv") is None
        result = runner.call("conv", function, list(args))
    assert result.ok, result.problem
    return result.value


def assert_gains_nothing(graded, rubrics) -> None:
    """conv scores no more than the honest zeros baseline (0); the rest no more than full marks."""
    assert graded.score("conv") == 0, graded.messages("conv")
    assert graded.result.score <= sum(graded.max_score(r.exercise) for r in rubrics if r.exercise != "conv")


# -- privilege: other processes -------------------------------------------------------------------


@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_a_submission_cannot_ptrace_or_read_the_memory_of_the_grader_or_any_process_outside_its_sandbox(
        tmp_path, use_bubblewrap):
    found = probe(tmp_path / "s", payload("ptrace_grader"), "probe", (os.getpid(),), sandbox_of(use_bubblewrap))
    lines = found.splitlines()
    reached = [int(line.split()[1]) for line in lines if line.startswith("REACHED")]
    assert os.getpid() not in reached or use_bubblewrap, found
    if use_bubblewrap:
        visible = [int(pid) for pid in lines[0].split()[1:]]
        assert len(visible) <= 3, f"the sandbox should see only bubblewrap's init and the worker: {visible}"
        assert set(reached) <= set(visible), found
    else:
        assert reached == [], found


def test_a_worker_that_stops_the_grader_its_parent_and_itself_costs_only_its_own_calls(tmp_path):
    rubrics = course_rubrics(others=1)
    graded = run_grade(tmp_path / "s", {"conv": payload("stop_everyone", GRADER=os.getpid())}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")
    assert lingering("__never__") == []


# -- kernel interfaces: the mount table, IPC, keyrings, sockets ------------------------------------


@with_bubblewrap
def test_no_host_path_of_the_submission_or_the_grader_shows_in_the_sandboxs_mount_tables(tmp_path):
    found = probe(tmp_path / "s", payload("mount_table"), "probe")
    assert found.startswith("MOUNT TABLES") and "/sandbox/submission" in found
    for host_path in ("autograder-submission-", "autograder-worker-", str(tmp_path), "/sys/fs/cgroup/"):
        assert host_path not in found, (host_path, [line for line in found.splitlines() if host_path in line][:3])


@with_bubblewrap
def test_two_workers_graded_at_once_share_no_file_socket_memory_segment_message_queue_or_key(tmp_path):
    token = marker("channel")
    source = payload("shared_channels")
    folders = []
    for name in ("sender", "receiver"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "conv.py").write_text(source)
        folders.append(tmp_path / name)
    with stage(folders[0]) as sending, stage(folders[1]) as receiving, \
            Runner(sending.path, fast_sandbox(call_seconds=5)) as sender, \
            Runner(receiving.path, fast_sandbox(call_seconds=5)) as receiver:
        planted = sender.call("conv", "plant", [token])
        own = sender.call("conv", "find", [token])
        other = receiver.call("conv", "find", [token])
    assert planted.ok and own.ok and other.ok, (planted.problem, own.problem, other.problem)
    assert "/tmp" in planted.value and "shm" in planted.value and "abstract socket" in own.value, (planted.value,
                                                                                                   own.value)
    assert other.value == "FOUND ", other.value


@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_nothing_a_worker_leaves_reaches_the_next_worker_of_its_account_or_stays_on_the_host(tmp_path, monkeypatch,
                                                                                           use_bubblewrap):
    if os.geteuid() == 0:  # two ids: both workers lease the same one, the first free from a place set by this pid
        monkeypatch.setenv(UIDS_ENV, f"{DEFAULT_UIDS.stop - 2}-{DEFAULT_UIDS.stop - 1}")
    token = marker("left")
    source = payload("shared_channels")
    sandbox = sandbox_of(use_bubblewrap)
    planted = probe(tmp_path / "first", source, "plant", (token,), sandbox)
    assert "/tmp" in planted and "shm" in planted and "keyring" in planted, planted
    left_on_host = [str(Path(folder) / token) for folder in ("/tmp", "/var/tmp", "/dev/shm")
                    if (Path(folder) / token).exists()]
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        (Path(folder) / token).unlink(missing_ok=True)
    found = probe(tmp_path / "second", source, "find", (token,), sandbox)
    assert left_on_host == [], left_on_host
    assert found == "FOUND ", found
    assert not system_v_objects_of(token), "a System V object outlived its worker"


def system_v_objects_of(token: str) -> list[str]:
    """The System V shared memory segments and message queues of this IPC namespace keyed after ``token``."""
    import zlib

    key = zlib.crc32(token.encode()) & 0x7FFFFFFF
    found = []
    for kind in ("shm", "msg"):
        lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        found += [f"{kind} {line.split()[:2]}" for line in lines if line.split() and int(line.split()[0]) == key]
    return found


# -- the wire: what a worker returns -----------------------------------------------------------------


def test_a_reply_of_pickled_arrays_is_refused_and_never_unpickled_by_the_grader(tmp_path):
    planted = tmp_path / "unpickled"
    graded = run_grade(tmp_path / "s", {"conv": payload("pickled_reply", MARKER=planted)}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert not planted.exists(), "the grader unpickled a reply"
    assert "malformed reply" in graded.public_messages("conv")


def test_returned_values_with_hooks_never_run_code_in_the_grader(tmp_path):
    planted = tmp_path / "hooked"
    graded = run_grade(tmp_path / "s", {"conv": payload("hooked_values", MARKER=planted)}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert not planted.exists(), "a hook of a returned value ran in the grader"


def test_huge_or_deeply_nested_return_values_cost_only_their_cases_and_leave_small_reports(tmp_path):
    rubrics = course_rubrics(others=1)
    graded = run_grade(tmp_path / "s", {"conv": payload("huge_values")}, rubrics, sandbox=fast_sandbox(call_seconds=5))
    assert_gains_nothing(graded, rubrics)
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")
    assert max(len(text) for text in graded.texts.values()) < 2**20
    assert lingering("__never__") == []


def test_flooding_every_output_and_the_graders_channel_leaves_bounded_reports(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": payload("stdout_flood")}, conv_rubrics(),
                       sandbox=fast_sandbox(call_seconds=5))
    assert_gains_nothing(graded, conv_rubrics())
    assert "FLOOD" in graded.result.output and len(graded.result.output) < 2**17
    assert max(len(text) for text in graded.texts.values()) < 2**20


# -- side channels in the reports ----------------------------------------------------------------------


def test_the_time_hidden_cases_take_changes_no_message_and_no_report_a_student_is_sent(tmp_path):
    rubrics = conv_rubrics()
    slow = run_grade(tmp_path / "s", {"conv": payload("timing", MOST=0.25)}, rubrics,
                     sandbox=fast_sandbox(call_seconds=5))
    shutil.rmtree(tmp_path / "s")  # the same path: reports name the submission
    fast = run_grade(tmp_path / "s", {"conv": CONV_ZEROS}, rubrics, sandbox=fast_sandbox(call_seconds=5))
    assert slow.result.seconds > fast.result.seconds
    assert slow.hidden_messages("conv") == fast.hidden_messages("conv")
    for report in (to_html, to_markdown, lambda result: json.dumps(to_gradescope(result))):
        assert report(slow.result) == report(fast.result)


# -- staging: zips and notebooks ------------------------------------------------------------------------


def hostile_zip(target: Path, **values) -> Path:
    """The zip ``tests/payloads/attacks/zip_members.json`` describes, its ``@KEY@``s filled from ``values``."""
    text = (ATTACKS / "zip_members.json").read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    with zipfile.ZipFile(target, "w") as archive:
        for member in json.loads(text)["members"]:
            info = zipfile.ZipInfo(member["name"])
            if "symlink" in member:
                info.create_system, info.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, member.get("symlink", member.get("text", "")))
    return target


def test_a_zip_of_symlinks_and_escaping_names_reaches_nothing_outside_its_staging_folder(tmp_path, secret):
    (tmp_path / "secret.key").write_text(secret)
    outside = marker("escaped")
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = hostile_zip(work / "s.zip", SECRET_FILE=tmp_path / "secret.key", REFERENCE=REFERENCE_DIR,
                          OUTSIDE=outside)
    rubrics = list(course_rubrics(others=5))
    rubrics = [r for r in rubrics if r.exercise in ("conv", "pooling", "rnn")] or conv_rubrics()
    result = grade(archive, rubrics, identity=IDENTITY, sandbox=fast_sandbox())
    assert result.score == 0, [(e.name, e.score, e.note) for e in result.exercises]
    escaped = [p for p in (tmp_path, tmp_path / "a", work, Path("/tmp")) for p in p.glob(f"{outside}*")]
    assert escaped == []
    assert secret not in json.dumps([e.note for e in result.exercises]) + result.output


def test_a_notebook_with_hostile_metadata_is_graded_on_its_code_alone_and_shows_none_of_it(tmp_path):
    hostile = json.loads((ATTACKS / "notebook_metadata.json").read_text())
    notebook = build_notebook(tmp_path / "s" / "conv.ipynb", "conv", source=CONV_ZEROS)
    data = json.loads(notebook.read_text())
    data["metadata"].update(hostile["notebook"])
    for cell in data["cells"]:
        cell["metadata"].update(hostile["cell"])
        cell["id"] = hostile["cell_id"]
    notebook.write_text(json.dumps(data))
    result = grade(notebook.parent, conv_rubrics(), identity=IDENTITY, sandbox=fast_sandbox())
    conv = result.exercise("conv")
    assert conv.score == 0 and conv.max_score == grade_max("conv")
    for name, text in student_texts(result).items():
        assert "\x1b" not in text and "<script>" not in text and "onerror" not in text, name


# -- the batch's output folder --------------------------------------------------------------------------


EXAMPLE = load_course(EXAMPLE_COURSE)


def grade_max(exercise: str) -> float:
    """The points of ``exercise`` on its rubric."""
    return sum(criterion.points for rubric in conv_rubrics() for criterion in rubric.criteria
               if rubric.exercise == exercise)


def example_submission(folder: Path, replace: dict[str, str] | None = None) -> Path:
    """A submission of the example course: its reference modules, some replaced."""
    folder.mkdir(parents=True)
    for module in sorted(EXAMPLE.reference_dir.glob("*.py")):
        (folder / module.name).write_text((replace or {}).get(module.stem, module.read_text()))
    return folder


def test_submissions_named_like_the_batchs_own_files_stay_in_their_report_folders(tmp_path):
    classroom, out = tmp_path / "class", tmp_path / "out"
    names = ["gradebook.csv", "journal.jsonl", "submissions", "feedback.html", "report.json"]
    for name in names:
        example_submission(classroom / name)
    with zipfile.ZipFile(classroom / "code.zip", "w") as archive:
        for module in EXAMPLE.reference_dir.glob("*.py"):
            archive.write(module, module.name)
    summary = run_batch(classroom, out, jobs=2, course=EXAMPLE)
    assert summary.errors == 0, summary.failures
    rows = read_gradebook(out)
    assert set(rows) == {*names, "code.zip"}
    assert all(float(row["total"]) == float(row["max_total"]) > 0 for row in rows.values()), rows
    assert {p.name for p in out.iterdir()} <= {"gradebook.csv", "journal.jsonl", ".batch.lock", "submissions"}
    assert (out / "gradebook.csv").is_file() and (out / "journal.jsonl").is_file()
    assert {p.name for p in (out / "submissions").iterdir()} == {*names, "code"}


@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_a_submission_cannot_write_into_the_batchs_output_folder(tmp_path, monkeypatch, use_bubblewrap):
    if not use_bubblewrap:
        monkeypatch.setenv("AUTOGRADER_NO_SANDBOX", "1")
    classroom, out = tmp_path / "class", tmp_path / "out"
    example_submission(classroom / "alice")
    example_submission(classroom / "mallory", {"affine": payload("batch_out_writer", OUT=out, NAME="mallory")})
    run_batch(classroom, out, jobs=2, course=EXAMPLE)
    rows = read_gradebook(out)
    assert float(rows["alice"]["total"]) == float(rows["alice"]["max_total"])
    mallory = json.loads((out / "submissions" / "mallory" / "report.json").read_text())
    assert [e["score"] for e in mallory["exercises"] if e["name"] == "affine"] == [0]
    assert not (out / "forged").exists()
    assert "1000" not in (out / "gradebook.csv").read_text() + (out / "journal.jsonl").read_text()
    assert "score\": 1000" not in (out / "submissions" / "alice" / "report.json").read_text()


@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_a_daemon_left_to_rewrite_the_results_after_grading_is_gone_before_they_are_written(tmp_path,
                                                                                          use_bubblewrap):
    results = Path(tempfile.mkdtemp(prefix="redteam-results-"))
    try:
        results.chmod(0o777)  # the daemon could write here: only its death keeps the results as written
        target = results / "results.json"
        token = marker("rewrite")
        source = payload("outlive_and_rewrite", TARGETS=[str(target), "/autograder/results/results.json"],
                         SECONDS=20, MARKER=token)
        graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics(), sandbox=sandbox_of(use_bubblewrap))
        written = json.dumps(to_gradescope(graded.result))
        target.write_text(written)
        target.chmod(0o666)
        time.sleep(1.0)
        assert target.read_text() == written
        assert lingering(token) == []
        assert_gains_nothing(graded, conv_rubrics())
    finally:
        shutil.rmtree(results, ignore_errors=True)


@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_a_submission_cannot_rewrite_its_staged_modules_for_the_worker_that_replaces_it(tmp_path, use_bubblewrap):
    source = payload("rewrite_staged")
    graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics(), sandbox=sandbox_of(use_bubblewrap))
    assert_gains_nothing(graded, conv_rubrics())
    assert "REWRITE original conv.py:" in graded.result.output, graded.result.output[:500]
    assert "wrote" not in graded.result.output and "rewritten" not in graded.result.output
    assert (graded.submission / "conv.py").read_text() == source
    assert not (graded.submission / "evil.py").exists()
