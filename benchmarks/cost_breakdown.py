"""Where a student's grade spends its CPU: the worker's start, the round trips, the submission's own code.

Run: ``python benchmarks/cost_breakdown.py [--students 4]`` (as root where cgroup v1's cpuacct is
writable, so that the sandboxed worker's CPU is counted; elsewhere the worker runs unsandboxed, as
a plain child). The process moves itself into a fresh cpuacct cgroup, so every process it starts
counts, and measures three things, each as total CPU and the grader's part (``RUSAGE_SELF`` and
waited children; the rest is the sandboxed worker):

- a worker's start: a :class:`~autograder.sandbox.runner.Runner` started, one module imported, closed;
- one round trip: a call of a function that returns at once, on a tiny array;
- one student: ``--students`` grades of a copy of the reference (the default assignment, hidden
  cases included) with one shared oracle, as a batch's process grades them; with the number of
  requests and the seconds spent inside the submission's functions, as the worker reports them.

The figures say which costs a cheaper grade could still cut: the student's own code and the
worker's start are the floor of a sandboxed grade with these checks.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course.model import load_course  # noqa: E402
from autograder.judge.grading import grade  # noqa: E402
from autograder.judge.oracle import ReferenceOracle  # noqa: E402
from autograder.sandbox.isolation import NO_SANDBOX_ENV, Sandbox  # noqa: E402
from autograder.sandbox.runner import Runner  # noqa: E402
from autograder.sandbox.staging import Rules, stage  # noqa: E402

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class Meter:
    """CPU seconds of this process and all it starts (a cpuacct cgroup), and of the grader's part."""

    def __init__(self):
        self.group = None
        if os.geteuid() == 0 and os.access(CPUACCT, os.W_OK):
            self.group = CPUACCT / f"autograder-breakdown-{uuid.uuid4().hex[:8]}"
            self.group.mkdir()
            (self.group / "cgroup.procs").write_text(str(os.getpid()))
        else:
            os.environ[NO_SANDBOX_ENV] = "1"  # a plain child: waited for, so RUSAGE_CHILDREN counts it

    @property
    def method(self) -> str:
        return "cpuacct cgroup (sandboxed)" if self.group else "RUSAGE (unsandboxed)"

    def read(self) -> tuple[float, float]:
        usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        grader = sum(u.ru_utime + u.ru_stime for u in usage)
        total = int((self.group / "cpuacct.usage").read_text()) / 1e9 if self.group else grader
        return total, grader

    @contextmanager
    def measure(self, into: dict):
        before = self.read()
        yield
        after = self.read()
        into["total"], into["grader"] = after[0] - before[0], after[1] - before[1]

    def close(self) -> None:
        if self.group:
            (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
            self.group.rmdir()


@contextmanager
def counted_requests(tally: dict):
    """Count the worker's requests and add up the seconds the worker says the submission's code ran."""
    original = Runner._request

    def request(self, header, arrays, what):
        reply, out = original(self, header, arrays, what)
        tally["requests"] += 1
        if type(reply.get("seconds")) is float:
            tally["inside"] += reply["seconds"]
        return reply, out

    Runner._request = request
    try:
        yield
    finally:
        Runner._request = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    meter = Meter()
    course = load_course()
    oracle = ReferenceOracle.shared(course)
    sandbox = Sandbox()
    with tempfile.TemporaryDirectory() as tmp:
        student = Path(tmp) / "student"
        shutil.copytree(course.reference_dir, student, ignore=shutil.ignore_patterns("*.yaml", "__pycache__"))
        module = course.names[0]
        grade(student, course=course, oracle=oracle, sandbox=sandbox, identity="warm-up")
        staged = stage(student, Rules(course.names, course.forbidden))

        start: dict = {}
        with meter.measure(start):
            for _ in range(args.starts):
                with Runner(staged.path, sandbox) as runner:
                    runner.import_module(module)

        trip: dict = {}
        if "dropout" in course.names:  # the built-in course's cheapest function
            with Runner(staged.path, sandbox) as runner:
                tiny = np.zeros((2, 3))
                runner.call("dropout", "dropout_backward", [tiny, (False, None)])
                with meter.measure(trip):
                    for _ in range(args.calls):
                        runner.call("dropout", "dropout_backward", [tiny, (False, None)])

        one: dict = {}
        tally = {"requests": 0, "inside": 0.0}
        began = time.perf_counter()
        with meter.measure(one), counted_requests(tally):
            for k in range(args.students):
                grade(student, course=course, oracle=oracle, sandbox=sandbox, identity=f"student{k}")
        wall = time.perf_counter() - began
        staged.cleanup()
    meter.close()

    def line(label: str, figures: dict, count: int) -> str:
        total, grader = figures["total"] / count, figures["grader"] / count
        return (f"{label:<34} CPU {total * 1e3:8.2f} ms (grader {grader * 1e3:7.2f} ms, "
                f"worker {(total - grader) * 1e3:7.2f} ms)")

    print(f"measured with: {meter.method}; course {course.root}, assignment {course.default_assignment}")
    print(line("a worker's start", start, args.starts))
    if trip:
        print(line("one round trip (tiny call)", trip, args.calls))
    per_student = one["total"] / args.students
    inside = tally["inside"] / args.students
    print(line("one student (reference)", one, args.students))
    print(f"  per student: {tally['requests'] / args.students:.0f} requests; {inside * 1e3:.0f} ms inside the "
          f"submission's functions ({inside / per_student:.0%} of its CPU); worker start "
          f"{start['total'] / args.starts / per_student:.0%}; wall {wall / args.students:.2f} s")


if __name__ == "__main__":
    main()
