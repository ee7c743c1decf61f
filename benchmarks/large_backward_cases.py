"""Time the largest hidden case of every backward criterion: correct styles finish it, a finite-difference backward cannot.

Run from the project root::

    python benchmarks/large_backward_cases.py [--exercises embedding depthwise] [--repeats 5] [--run-fd]

A backward "computed" by central differences of the submission's own forward (two forward calls
per input element) is right on small cases; the largest hidden backward case of an exercise is
sized so that it cannot finish within the worker's call limit (10 s), while every correct style
finishes it well under a second. For each such case (drawn as the grader draws it, from the
rubric and the exercise file) this prints the best time over ``--repeats`` of the forward and the
backward of the reference and of every correct module in ``tests/corpus/correct/<exercise>/``,
and the time a finite-difference backward needs: ``2 * elements * forward``, with the fastest of
those forwards (a lower bound). ``--run-fd`` also runs that finite-difference backward for the
call limit and reports how many of the elements it got through.

numpy runs single-threaded (the usual environment variables are set before it is imported), as
the grader's worker does on a loaded machine. Times are in-process: the worker adds the transfer
of the inputs and outputs (well under a millisecond per megabyte).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course.model import load_course  # noqa: E402
from autograder.course.rubric import load_rubrics  # noqa: E402
from autograder.sandbox.isolation import Limits  # noqa: E402

CALL_LIMIT = Limits().call_seconds


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"style_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _best(action, repeats: int) -> float:
    """The least CPU time of ``repeats`` runs of ``action`` (on a loaded machine wall time is the CPU time and
    the waits for the other processes; the CPU time is what the call costs on a machine of its own)."""
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def _size(value) -> int:
    return sum(_size(v) for v in value.values()) if isinstance(value, dict) else int(np.size(value))


def largest_cases(course, exercises):
    """(criterion, case params) of the largest hidden case of every backward criterion of ``exercises``."""
    for rubric in load_rubrics(course, exercises):
        for criterion in rubric.criteria:
            if criterion.kind != "backward" or not criterion.hidden:
                continue
            rng = np.random.default_rng(0)
            sized = [(sum(_size(a) for a in criterion.spec.inputs.draw(_params(c), rng)), c) for c in criterion.hidden]
            yield criterion, max(sized, key=lambda pair: pair[0])[1]


def _params(case: dict) -> dict:
    return {key: value for key, value in case.items() if key != "label"}


def _finite_difference_backward(forward, args, wrt, douts, budget: float) -> tuple[int, int, float]:
    """Run a central-difference backward for at most ``budget`` seconds: (elements done, elements, seconds)."""
    total = sum(np.size(args[i]) for i in wrt)
    done, start, h = 0, time.perf_counter(), 1e-6
    for i in wrt:
        moved = np.array(args[i], dtype=np.float64)  # moved in place, one element at a time, and put back
        inputs = [*args[:i], moved, *args[i + 1:]]
        for k in range(moved.size):
            kept = moved.flat[k]
            moved.flat[k] = kept + h
            up = forward(*inputs)[0]
            moved.flat[k] = kept - h
            down = forward(*inputs)[0]
            moved.flat[k] = kept
            _ = float(np.sum((up - down) * douts[0])) / (2 * h)
            done += 1
            if time.perf_counter() - start > budget:
                return done, total, time.perf_counter() - start
    return done, total, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exercises", nargs="+", default=["embedding", "depthwise"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--run-fd", action="store_true", help="also run a finite-difference backward for the call limit")
    options = parser.parse_args()
    course = load_course()
    for criterion, case in largest_cases(course, tuple(options.exercises)):
        spec = criterion.spec
        args = spec.inputs.draw(_params(case), np.random.default_rng(0))
        wrt = [spec.args.index(name) for name in spec.wrt]
        elements = sum(_size(args[i]) for i in wrt)
        styles = {"reference": course.reference(spec.exercise)}
        styles |= {path.stem: _module(path) for path in sorted((course.correct_dir / spec.exercise).glob("*.py"))}
        out = getattr(styles["reference"], spec.name)(*args)
        douts = [np.random.default_rng(1).standard_normal(np.shape(out[0]))]
        print(f"\n{criterion.id}, hidden case {case['label']!r}: "
              + ", ".join(f"{n} {np.shape(a)}" for n, a in zip(spec.args, args) if hasattr(a, "shape"))
              + f"; {elements} input elements to differentiate")
        print(f"  {'style':24s} {'forward':>10s} {'backward':>10s}")
        forwards = {}
        for name, module in styles.items():
            forward, backward = getattr(module, spec.name), getattr(module, spec.backward)
            cache = forward(*args)[-1]
            forwards[name] = _best(lambda: forward(*args), options.repeats)
            seconds = _best(lambda: backward(*douts, cache), options.repeats)
            print(f"  {name:24s} {forwards[name] * 1e3:8.1f} ms {seconds * 1e3:8.1f} ms")
        fastest = min(forwards, key=forwards.get)
        print(f"  finite differences: 2 x {elements} forward calls x {forwards[fastest] * 1e3:.3f} ms "
              f"(the fastest forward, {fastest}) = {2 * elements * forwards[fastest]:.1f} s; the call limit is "
              f"{CALL_LIMIT:g} s")
        if options.run_fd:
            done, total, seconds = _finite_difference_backward(getattr(styles[fastest], spec.name), args, wrt, douts,
                                                               CALL_LIMIT)
            print(f"  ran it: {done} of {total} elements ({done / total:.0%}) in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
