"""``autograder doctor``: what isolation this machine gives, how to fix the rest, and its exit status."""

from __future__ import annotations

import os
import subprocess
import sys

from autograder.sandbox import cgroups
from autograder.sandbox.doctor import diagnose
from autograder.sandbox.isolation import bubblewrap

PARTS = ("running as root", "bubblewrap", "user namespaces", "AppArmor", "seccomp", "cgroups", "worker")


def doctor(**environment) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "doctor"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **environment})


def test_the_diagnosis_covers_every_part_of_the_sandbox_and_runs_a_real_worker():
    diagnosis = diagnose()
    parts = [finding.part for finding in diagnosis.findings]
    for part in PARTS:
        assert any(p.startswith(part) for p in parts), (part, parts)
    worker = next(f for f in diagnosis.findings if f.part == "worker")
    assert "uid " in worker.detail and "/proc/sys " in worker.detail
    assert diagnosis.usable == (bubblewrap() is not None)
    assert diagnosis.description.startswith("Sandboxed with bubblewrap" if diagnosis.usable else "NOT sandboxed")
    if cgroups.support().version:
        assert f"cgroup v{cgroups.support().version}" in diagnosis.text()


def test_the_exit_status_says_whether_the_sandbox_can_be_used_here():
    done = doctor()
    assert done.returncode == (0 if bubblewrap() is not None else 1), done.stdout
    assert "Verdict: the sandbox works" in done.stdout or "Verdict: the sandbox cannot be used" in done.stdout


def test_without_bubblewrap_the_doctor_fails_and_gives_the_commands_that_install_it():
    done = doctor(PATH="/nonexistent")
    assert done.returncode == 1, done.stdout
    assert "✗ bubblewrap" in done.stdout and "fix: apt-get install -y bubblewrap" in done.stdout
    assert "Reports will say: NOT sandboxed" in done.stdout


def test_a_sandbox_turned_off_is_reported_with_the_way_to_turn_it_on():
    done = doctor(AUTOGRADER_NO_SANDBOX="1")
    assert done.returncode == 1
    assert "fix: unset AUTOGRADER_NO_SANDBOX" in done.stdout
