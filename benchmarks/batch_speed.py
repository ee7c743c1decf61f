"""Throughput of ``autograder batch`` on a generated class, and the sandbox's overhead.

Run: ``python benchmarks/batch_speed.py [--students 200] [--jobs N]``. The class mixes correct
submissions (the reference and the correct corpus styles), buggy ones (one catalogued classic
bug each) and faulty ones (syntax error, import error, exit, segfault, NaN, an endless loop).
It prints submissions per minute for the batch (sandboxed, default jobs = cores), then grades
one correct submission sandboxed and unsandboxed and prints the ratio of their wall times.
Targets on 2 cores: at least 100 submissions a minute, an overhead of at most 1.3x.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course.catalogue import load_catalogue  # noqa: E402
from autograder.course.model import load_course  # noqa: E402
from autograder.integrations.batch import run_batch  # noqa: E402
from autograder.judge.grading import grade  # noqa: E402
from autograder.sandbox.isolation import Sandbox  # noqa: E402

COURSE = load_course()
EXERCISES, REFERENCE_DIR = COURSE.assignment(), COURSE.reference_dir

CORRECT = ROOT / "tests" / "corpus" / "correct"
FAULTS = {
    "syntax_error": "def conv2d_forward(x, w, b, stride=1, pad=0)\n    return x\n",
    "import_error": "import numpy_does_not_exist\n",
    "exit_at_import": "import os\nos._exit(1)\n",
    "segfault": "import ctypes\nctypes.string_at(0)\n",
    "nan_output": "import numpy as np\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    return np.full((1,), np.nan), None\n",
    "endless_loop": "def conv2d_forward(x, w, b, stride=1, pad=0):\n    while True:\n        pass\n",
}


def make_class(root: Path, students: int, seed: int = 0) -> dict[str, int]:
    """Write ``students`` submissions into ``root``: 60% correct, 32% buggy, 8% faulty."""
    rng = random.Random(seed)
    styles = {e: sorted((CORRECT / e).glob("*.py")) for e in EXERCISES}
    bugs = [bug for bugs in load_catalogue().values() for bug in bugs]
    kinds = {"correct": 0, "buggy": 0, "faulty": 0}
    for k in range(students):
        folder = root / f"student{k:03d}"
        folder.mkdir()
        for exercise in EXERCISES:
            choices = styles[exercise] + [REFERENCE_DIR / f"{exercise}.py"]
            shutil.copyfile(rng.choice(choices), folder / f"{exercise}.py")
        draw = rng.random()
        if draw < 0.08:
            name = list(FAULTS)[k % len(FAULTS)]
            (folder / "conv.py").write_text(FAULTS[name])
            kinds["faulty"] += 1
        elif draw < 0.40:
            bug = rng.choice(bugs)
            (folder / f"{bug.exercise}.py").write_text(bug.source)
            kinds["buggy"] += 1
        else:
            kinds["correct"] += 1
    return kinds


def sandbox_overhead(repeats: int) -> tuple[float, float]:
    """Median wall time of grading the reference with and without the sandbox."""
    times = {True: [], False: []}
    for _ in range(repeats):
        for sandboxed in (True, False):
            start = time.perf_counter()
            grade(REFERENCE_DIR, sandbox=Sandbox(use_bubblewrap=sandboxed))
            times[sandboxed].append(time.perf_counter() - start)
    return statistics.median(times[True]), statistics.median(times[False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=5, help="gradings per mode for the overhead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        classroom = Path(tmp) / "class"
        classroom.mkdir()
        kinds = make_class(classroom, args.students)
        summary = run_batch(classroom, Path(tmp) / "out", jobs=args.jobs)
    rate = summary.graded / summary.seconds * 60
    print(f"class: {args.students} submissions ({kinds['correct']} correct, {kinds['buggy']} buggy, "
          f"{kinds['faulty']} faulty)")
    print(f"batch: {summary.seconds:.1f} s, {rate:.0f} submissions/min, {summary.errors} errors")
    sandboxed, plain = sandbox_overhead(args.repeats)
    print(f"one submission: sandboxed {sandboxed:.2f} s, unsandboxed {plain:.2f} s, "
          f"overhead {sandboxed / plain:.2f}x")


if __name__ == "__main__":
    main()
