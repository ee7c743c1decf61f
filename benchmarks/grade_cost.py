"""CPU seconds per correct submission, the grader and its sandboxed worker together.

Run: ``python benchmarks/grade_cost.py [--students 6] [--project DIR ...]``. Two figures, each the CPU
time of a fresh process tree:

- ``grade``: one ``autograder grade reference --json`` (a whole process: start-up, course, grading);
- ``batch``: ``autograder batch`` of ``--students`` copies of the reference, with ``--jobs 1``,
  divided by the number of students (what a class costs per student once the process is up).

Each figure is also given as "grader processes only": what ``RUSAGE_CHILDREN`` sees, the grader's
processes without the sandboxed worker (see below), the part that oracle caching and the grader's
own start-up decide.

The worker runs under bubblewrap in a namespace of its own, and its CPU time never reaches
``getrusage(RUSAGE_CHILDREN)`` of the grader (bubblewrap's init is killed, not waited for). So
where the grader may create cgroups (root, cgroup v1 ``cpuacct``), the command runs in a fresh
cpuacct cgroup whose ``cpuacct.usage`` counts every process it starts; elsewhere the command runs
with ``AUTOGRADER_NO_SANDBOX=1`` and is measured by ``RUSAGE_CHILDREN`` (the worker is then a
plain child, waited for). The method used is printed. ``--project DIR`` measures another checkout
of the project (its own ``.venv``); given several times, the checkouts are measured in turn, run by
run, and the ratio of their medians printed: this machine's speed can drift by a factor of two within
minutes, so only checkouts measured together compare. The students are copies of this checkout's
reference, graded by each checkout on its own course.

Each checkout runs once, unmeasured, before the runs that count, with ``PYTHONDONTWRITEBYTECODE``
unset: that writes its modules' bytecode, as an installed grader has it (where the variable is set
and no bytecode exists, every process compiles the engine again, about 0.6 CPU-seconds here).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def cpu_seconds(command: list[str], cwd: Path, env: dict) -> tuple[float, float, float, str]:
    """CPU seconds of ``command`` and every process it starts, CPU seconds that ``RUSAGE_CHILDREN`` sees
    (the grader's processes, not a sandboxed worker), wall seconds, and how the first was counted."""
    if os.geteuid() == 0 and os.access(CPUACCT, os.W_OK):
        group = CPUACCT / f"autograder-bench-{uuid.uuid4().hex[:8]}"
        group.mkdir()
        try:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                           preexec_fn=lambda: (group / "cgroup.procs").write_text(str(os.getpid())))
            wall = time.perf_counter() - start
            deadline = time.monotonic() + 60
            while (group / "cgroup.procs").read_text().strip() and time.monotonic() < deadline:
                time.sleep(0.1)  # processes the command left to finish (a pool's resource tracker)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            seen = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            return int((group / "cpuacct.usage").read_text()) / 1e9, seen, wall, "cpuacct cgroup (sandboxed)"
        finally:
            group.rmdir()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=dict(env, AUTOGRADER_NO_SANDBOX="1"), check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return cpu, cpu, wall, "RUSAGE_CHILDREN (unsandboxed)"


def measure(project: Path, classroom: Path, scratch: Path, students: int, env: dict) -> dict[str, tuple]:
    """One run of each figure for the checkout at ``project``: (CPU, grader processes only, wall, method)."""
    python = str(project / ".venv" / "bin" / "python") if (project / ".venv").is_dir() else sys.executable
    grade = cpu_seconds([python, "-m", "autograder", "grade", str(project / "reference"), "--json"], project, env)
    out = scratch / f"out-{uuid.uuid4().hex[:8]}"
    cpu, seen, wall, method = cpu_seconds([python, "-m", "autograder", "batch", str(classroom), "--out", str(out),
                                           "--jobs", "1"], project, env)
    shutil.rmtree(out, ignore_errors=True)
    return {"grade": grade, "batch": (cpu / students, seen / students, wall / students, method)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command; the median is shown")
    parser.add_argument("--project", type=Path, action="append",
                        help="a checkout to measure (default: this one); repeat it to compare checkouts, whose "
                             "runs are interleaved so that a drift in the machine's speed touches each alike")
    args = parser.parse_args()
    projects = [p.resolve() for p in (args.project or [ROOT])]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    runs = {project: {"grade": [], "batch": []} for project in projects}
    with tempfile.TemporaryDirectory() as tmp:
        classroom = Path(tmp) / "class"
        for k in range(args.students):
            shutil.copytree(ROOT / "reference", classroom / f"student{k}",
                            ignore=shutil.ignore_patterns("*.yaml", "__pycache__"))
        for project in projects:  # not measured: writes each checkout's bytecode, as any installation has it
            measure(project, classroom, Path(tmp), args.students, env)
        for _ in range(args.repeats):
            for project in projects:
                for name, figure in measure(project, classroom, Path(tmp), args.students, env).items():
                    runs[project][name].append(figure)
    labels = (("grade", "autograder grade (one process)"),
              ("batch", f"autograder batch, per student ({args.students} students, --jobs 1)"))
    medians = {}
    for project in projects:
        print(f"project: {project}")
        for name, label in labels:
            cpus, seens, walls = (sorted(r[k] for r in runs[project][name]) for k in range(3))
            middle = len(cpus) // 2
            medians[project, name] = cpus[middle]
            print(f"  {label:<52} CPU {cpus[middle]:.2f} s (runs: {', '.join(f'{c:.2f}' for c in cpus)}); "
                  f"grader processes only {seens[middle]:.2f} s; wall {walls[middle]:.2f} s")
    for project in projects[1:]:
        print(f"{projects[0].name} against {project.name}: " + "; ".join(
            f"{name} {medians[projects[0], name] / medians[project, name]:.2f}x the CPU" for name, _ in labels))
    print(f"measured with: {runs[projects[0]]['grade'][0][3]}; 'grader processes only' is what RUSAGE_CHILDREN "
          f"sees (a sandboxed worker's CPU never reaches it)")


if __name__ == "__main__":
    main()
