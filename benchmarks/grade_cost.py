"""CPU seconds per correct submission, the grader and its sandboxed worker together.

Run: ``python benchmarks/grade_cost.py [--students 6] [--project DIR]``. Two figures, each the CPU
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
of the project (its own ``.venv``), for a before/after comparison with the same command.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command; the median is shown")
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    project = args.project.resolve()
    python = str(project / ".venv" / "bin" / "python") if (project / ".venv").is_dir() else sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    reference = project / "reference"
    with tempfile.TemporaryDirectory() as tmp:
        classroom = Path(tmp) / "class"
        for k in range(args.students):
            shutil.copytree(reference, classroom / f"student{k}", ignore=shutil.ignore_patterns("*.yaml", "__pycache__"))
        runs = {"grade": [], "batch": []}
        for repeat in range(args.repeats):
            runs["grade"].append(cpu_seconds([python, "-m", "autograder", "grade", str(reference), "--json"],
                                             project, env))
            out = Path(tmp) / f"out{repeat}"
            cpu, seen, wall, method = cpu_seconds([python, "-m", "autograder", "batch", str(classroom), "--out",
                                                   str(out), "--jobs", "1"], project, env)
            runs["batch"].append((cpu / args.students, seen / args.students, wall / args.students, method))
    print(f"project: {project}")
    for name, label in (("grade", "autograder grade (one process)"),
                        ("batch", f"autograder batch, per student ({args.students} students, --jobs 1)")):
        cpus, seens, walls = (sorted(r[k] for r in runs[name]) for k in range(3))
        middle = len(cpus) // 2
        print(f"{label:<52} CPU {cpus[middle]:.2f} s (runs: {', '.join(f'{c:.2f}' for c in cpus)}); "
              f"grader processes only {seens[middle]:.2f} s; wall {walls[middle]:.2f} s")
    print(f"measured with: {runs['grade'][0][3]}; 'grader processes only' is what RUSAGE_CHILDREN sees "
          f"(a sandboxed worker's CPU never reaches it)")


if __name__ == "__main__":
    main()
