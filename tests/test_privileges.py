"""Privileges and limits of the sandbox, whoever runs the grader (CI and Gradescope run it as root).

A submission must never run as root: not in bubblewrap's user namespace (where it is uid 1000,
mapped to an unprivileged host account) and not without bubblewrap (where the worker switches to
that account itself). It cannot write a sysctl, sees no host path, cannot read the course's
private files, and the cgroup of its worker bounds the memory of everything it starts. Each test
grades a hostile module of ``tests/payloads/attacks`` for real; the unprivileged run starts the
grader itself under an unprivileged account.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.course.model import ENGINE_ROOT, load_course
from autograder.integrations.gradescope import course_files
from autograder.judge.grading import grade
from autograder.sandbox import cgroups, privileges
from autograder.sandbox.isolation import Limits, Sandbox, bubblewrap
from autograder.sandbox.privileges import Reach
from autograder.sandbox.runner import Runner
from autograder.sandbox.staging import stage

from builders import COURSE, build_submission
from hostile import IDENTITY, conv_rubrics, fast_sandbox, payload

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the grader runs as root only in CI and on Gradescope")
with_bubblewrap = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap is missing (CI has it)")
with_cgroups = pytest.mark.skipif(cgroups.support().version is None, reason="no cgroup the grader may create (as root)")
MODES = [pytest.param(True, id="bubblewrap", marks=with_bubblewrap), pytest.param(False, id="without bubblewrap")]


def check_output(tmp_path: Path, source: str, sandbox: Sandbox) -> str:
    """What a conv module printed on conv's public cases."""
    submission = build_submission(tmp_path / "s", {"conv": source}, omit=tuple(n for n in COURSE.names if n != "conv"))
    return grade(submission, conv_rubrics(), mode="check", sandbox=sandbox, identity=IDENTITY).output


def probe_lines(text: str) -> list[str]:
    """The kernel probe's report (tests/payloads/attacks/kernel_interfaces.py), from its output or a message."""
    line = text[text.index("KERNEL PROBE "):].splitlines()[0]
    return line.removeprefix("KERNEL PROBE ").split(" | ")


def assert_unprivileged(lines: list[str]) -> None:
    uid = int(lines[0].split()[1])
    assert uid != 0 and " euid 0 " not in lines[0], lines[0]
    assert "CapEff 0000000000000000" in lines[0], lines[0]
    assert not [line for line in lines if line.startswith(("WROTE", "OPENED"))], lines
    assert lines[-1] == "denied 14 of 14", lines


@as_root
@pytest.mark.parametrize("use_bubblewrap", MODES)
def test_as_root_a_submission_runs_as_a_non_root_uid_without_capabilities_and_cannot_write_a_sysctl(tmp_path,
                                                                                                    use_bubblewrap):
    lines = probe_lines(check_output(tmp_path, payload("kernel_interfaces"), fast_sandbox_with(use_bubblewrap)))
    assert_unprivileged(lines)
    if use_bubblewrap:
        assert lines[0].startswith(f"uid {privileges.SANDBOX_UID} "), lines[0]
    else:
        assert int(lines[0].split()[1]) in privileges.candidate_ids()


def fast_sandbox_with(use_bubblewrap: bool) -> Sandbox:
    return Sandbox(Limits(call_seconds=5, submission_seconds=60), use_bubblewrap=use_bubblewrap)


@with_bubblewrap
def test_as_an_unprivileged_user_the_grader_still_sandboxes_a_submission_that_cannot_write_a_sysctl(tmp_path):
    """The whole grader (``autograder check``) as an unprivileged user: started under an account of its own
    when the tests run as root, as this user otherwise."""
    work = Path(tempfile.mkdtemp(prefix="autograder-unprivileged-"))
    try:
        course = copy_course(work / "course")
        submission = work / "submission"
        submission.mkdir()
        (submission / "conv.py").write_text(payload("kernel_interfaces"))
        done = run_unprivileged([sys.executable, "-m", "autograder", "check", str(submission), "--json",
                                 "--course", str(course)], work)
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout)
        assert report["sandbox"].startswith("Sandboxed with bubblewrap"), report["sandbox"]
        lines = probe_lines(json.dumps([c["message"] for c in report["exercises"][0]["criteria"]]).replace("\\n", "\n"))
        assert_unprivileged(lines)
        assert lines[0].startswith(f"uid {privileges.SANDBOX_UID} "), lines[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def copy_course(target: Path) -> Path:
    """A copy of the built-in course any user can read (the repository's own may have lost that, see protect)."""
    for file in course_files(COURSE):
        destination = target / file.relative_to(COURSE.root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
    return target


def run_unprivileged(argv: list[str], work: Path) -> subprocess.CompletedProcess:
    """``argv`` as an unprivileged user: an account leased as the sandbox's are, when running as root."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8"}
    if os.geteuid() != 0:
        return subprocess.run(argv, cwd=work, env=environment, capture_output=True, text=True, timeout=600)
    account = privileges.lease()
    reach = Reach.plan(Sandbox().runtime_paths() + [Path(sys.prefix), ENGINE_ROOT])  # the project may sit in a closed folder
    hold = work / "hold"
    reach.prepare(hold)
    for path in [work, *work.rglob("*")]:
        os.chown(path, account.uid, account.gid, follow_symlinks=False)

    def become_unprivileged():
        if reach.covers:
            reach.apply(hold)
        privileges.drop(account, no_new_privileges=True)

    try:
        return subprocess.run(argv, cwd=work, env=environment, capture_output=True, text=True, timeout=600,
                              preexec_fn=become_unprivileged)
    finally:
        account.release()


@as_root
@with_bubblewrap
def test_every_process_of_a_sandboxed_worker_runs_as_a_non_root_host_uid(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": "import time\n"})
    with stage(submission) as staged, Runner(staged.path, fast_sandbox()) as runner:
        assert runner.import_module("conv") is None
        pids = [runner.process.process.pid, *descendants_of(runner.process.process.pid)]
        uids = {pid: host_uid(pid) for pid in pids}
    assert len(pids) >= 3, "bubblewrap, its init and the worker"
    assert all(uid not in (None, 0) for uid in uids.values()), uids


def descendants_of(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def host_uid(pid: int) -> int | None:
    try:
        line = next(line for line in (Path("/proc") / str(pid) / "status").read_text().splitlines()
                    if line.startswith("Uid:"))
    except (OSError, StopIteration):
        return None
    return int(line.split()[1])


@with_bubblewrap
def test_no_host_path_shows_in_the_sandboxs_command_lines_environment_open_files_or_folders(tmp_path):
    output = check_output(tmp_path, payload("host_paths"), fast_sandbox())
    found = next(line for line in output.splitlines() if line.startswith("HOST PATHS"))
    assert "1/cmdline=/usr/bin/bwrap --args " in found, found[:3000]
    for host_path in ("autograder-submission-", "autograder-worker-", str(tmp_path), "/sys/fs/cgroup"):
        assert host_path not in found, (host_path, found[:3000])


@as_root
def test_without_bubblewrap_as_root_the_secret_and_the_courses_private_files_are_unreadable(tmp_path, monkeypatch):
    shared = Path(tempfile.mkdtemp(prefix="autograder-private-"))
    try:
        shared.chmod(0o755)
        course = load_course(copy_course(shared / "course"))
        key = shared / "secret.key"
        key.write_text("private-secret-5b7c\n")
        key.chmod(0o644)
        monkeypatch.setenv("AUTOGRADER_SECRET_FILE", str(key))
        targets = [key, course.reference_dir / "conv.py", course.rubrics_dir / "conv.yaml",
                   course.catalogue_dir / "conv.yaml", course.root / "course.yaml"]
        submission = build_submission(tmp_path / "s", {"conv": payload("private_files", TARGETS=[str(t) for t in targets])},
                                      omit=("lstm", "batchnorm", "residual", "rnn", "dropout"))
        result = grade(submission, course=course, assignment="core", identity=IDENTITY,
                       sandbox=fast_sandbox_with(False))
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    found = next(line for line in result.output.splitlines() if line.startswith("PRIVATE FILES"))
    for target in targets[:4]:
        assert f"denied {target}" in found, found
    assert "private-secret" not in json.dumps(result.output)
    pooling = result.exercise("pooling")
    assert pooling.score == pooling.max_score > 0, "the staged submission stays readable"


# -- the cgroup of a worker ---------------------------------------------------------------------------

HOARDS = {"memfd": ("memfd_hoard", "HOARDED "), "children": ("children_hoard", "CHILDREN HELD ")}


@with_cgroups
@pytest.mark.parametrize("how", list(HOARDS))
def test_a_workers_memory_cgroup_bounds_shared_memory_and_every_child_process(tmp_path, how):
    limit = 256 * 2**20
    name, word = HOARDS[how]
    source = payload(name, LIMIT=limit, SHARE=limit // 4, CHILDREN=6)
    submission = build_submission(tmp_path / "s", {"conv": source}, omit=tuple(n for n in COURSE.names if n != "conv"))
    sandbox = Sandbox(Limits(call_seconds=20, submission_seconds=120, memory_bytes=limit))
    with stage(submission) as staged, Runner(staged.path, sandbox) as runner:
        outcome = runner.call("conv", "conv2d_forward", [None, None, None])
    if outcome.error:
        held = int(outcome.error["message"].split(word)[1].split()[0])
        assert held <= limit, f"the worker held {held / 2**20:.0f} MiB with a {limit / 2**20:.0f} MiB limit"
    else:
        assert "SIGKILL" in (outcome.failure or ""), outcome


@with_cgroups
def test_every_report_names_the_limits_its_sandbox_enforced():
    description = Sandbox(Limits(memory_bytes=2**30, processes=32, cpus=1.5)).description
    version = cgroups.support().version
    for controller, words in (("memory", "memory 1 GiB"), ("cpu", "at most 1.5 CPU cores"), ("pids", "32 processes")):
        if controller in cgroups.support().controllers:
            assert f"{words}" in description and f"(cgroup v{version})" in description, description


@with_cgroups
def test_a_workers_cgroup_holds_its_limits_and_its_processes(tmp_path):
    limits = Limits(memory_bytes=300 * 2**20, processes=40, cpus=0.5, call_seconds=5)
    submission = build_submission(tmp_path / "s", {"conv": "import time\n"})
    with stage(submission) as staged, Runner(staged.path, Sandbox(limits)) as runner:
        assert runner.import_module("conv") is None
        cgroup = runner.process.cgroup
        merged = {file.name: file.read_text().strip() for path in cgroup.paths for file in path.iterdir()
                  if file.name in ("memory.limit_in_bytes", "memory.max", "pids.max", "cpu.max", "cpu.cfs_quota_us",
                                   "cgroup.procs")}
        worker = runner.process.process.pid
    assert str(worker) in merged["cgroup.procs"].split()
    assert merged.get("memory.limit_in_bytes", merged.get("memory.max")) == str(300 * 2**20)
    assert merged["pids.max"] == "40"
    assert merged.get("cpu.cfs_quota_us") == "50000" or merged.get("cpu.max") == "50000 100000"


V2_MOUNTS = """\
24 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
30 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
"""
HYBRID_MOUNTS = """\
35 25 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw
36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
37 25 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu,cpuacct
38 25 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
"""


def test_cgroup_v2_is_chosen_where_its_controllers_can_be_delegated_else_v1(tmp_path):
    unified = tmp_path / "sys/fs/cgroup/grading.slice"
    unified.mkdir(parents=True)
    (unified / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (unified / "cgroup.subtree_control").write_text("memory pids\n")
    mounts = V2_MOUNTS.replace("/sys/fs/cgroup", str(tmp_path / "sys/fs/cgroup"))
    found = cgroups.find_support(mounts, "0::/grading.slice\n", can_write=lambda path: True)
    assert found.version == 2 and found.controllers == ("memory", "cpu", "pids")
    assert set(found.parents.values()) == {unified}

    for name in ("unified", "memory", "cpu,cpuacct", "pids"):
        (tmp_path / "h" / name / "job").mkdir(parents=True)
    (tmp_path / "h/unified/job/cgroup.controllers").write_text("hugetlb\n")
    (tmp_path / "h/unified/job/cgroup.subtree_control").write_text("")
    mounts = HYBRID_MOUNTS.replace("/sys/fs/cgroup", str(tmp_path / "h"))
    found = cgroups.find_support(mounts, "4:memory:/job\n3:cpu,cpuacct:/job\n2:pids:/job\n0::/job\n",
                                 can_write=lambda path: True)
    assert found.version == 1 and found.parents["cpu"] == tmp_path / "h/cpu,cpuacct/job"
    assert any("not available" in reason for reason in found.reasons)
