"""The large backward cases: a real backward finishes them at once, a finite-difference "backward" cannot.

Run from the project root::

    python benchmarks/large_backward_cases.py [EXERCISE ...] [--fd-seconds 12] [--repeats 5]

For every backward criterion of the named exercises (default: every exercise of the course), the
case with the most input elements (its "large" case; the rubric says so in a comment) is drawn
exactly as the grader draws it, and timed in this process:

- ``reference``: the reference forward, then its backward (best of ``--repeats``);
- one row per correct module in the course's ``correct/<exercise>/`` folder: the same, best of 3;
- for an exercise whose module imports others' (``uses:``, as residual imports conv), one more row per
  correct module of each of those: the reference on that module (a student's own loops over a
  convolution slow their residual block too), best of 3;
- ``finite differences``: a backward that differentiates the forward numerically, by central
  differences of the forward, makes 2 forward calls per input element. It runs with the fastest
  forward above for up to ``--fd-seconds`` (more than the grader's 10 s call limit) and the total
  is extrapolated from the calls it made.

A large case does its job when the finite differences need far more than 10 s while every real
backward, loops included, needs well under 1 s, and the reference only tens of milliseconds
(it runs for every student). Numbers depend on the machine: BLAS runs with its default threads,
as in the grader's worker.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import itertools
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for `autograder` and `reference`

from autograder.course.model import load_course  # noqa: E402
from autograder.course.rubric import load_rubrics  # noqa: E402
from autograder.judge.cases import Secret, draw_inputs, make_cases  # noqa: E402

SECRET = Secret(b"benchmark", "benchmarks/large_backward_cases.py")
_counter = itertools.count()


def _package(modules: dict[str, Path]):
    """``modules`` (exercise: file) imported as one package, in order, so that each finds the ones before it
    relatively (``from .conv import ...``) as in a submission; the last one is returned."""
    name = f"_benchmark_package_{next(_counter)}"
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package
    for exercise, path in modules.items():
        spec = importlib.util.spec_from_file_location(f"{name}.{exercise}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def _rows(course, exercise: str, repeats: int) -> list:
    """(label, module, repeats) of the reference, of every correct module of ``exercise`` (on the references of the
    exercises it uses) and of the reference on every correct module of each exercise it uses."""
    needs = course.needs(exercise)
    references = {name: course.reference_dir / f"{name}.py" for name in needs}
    rows = [("reference", course.reference(exercise), repeats)]
    rows += [(f"correct/{exercise}/{path.name}", _package({**references, exercise: path}), 3)
             for path in sorted((course.correct_dir / exercise).glob("*.py"))]
    for used in needs:
        rows += [(f"reference on correct/{used}/{path.name}",
                  _package({**references, used: path, exercise: course.reference_dir / f"{exercise}.py"}), 3)
                 for path in sorted((course.correct_dir / used).glob("*.py"))]
    return rows


def _best(call, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def _elements(spec, args: list) -> int:
    """How many input elements the backward's gradients are of (what finite differences must perturb)."""
    total = 0
    for name in spec.wrt:
        value = args[spec.args.index(name)]
        total += sum(v.size for v in value.values()) if isinstance(value, dict) else np.size(value)
    return total


def _largest_case(criterion, course):
    cases = make_cases(criterion, "public", None, "benchmark") + make_cases(criterion, "hidden", SECRET, "benchmark")
    drawn = [(case, draw_inputs(criterion.spec, case, course)) for case in cases]
    return max(drawn, key=lambda pair: _elements(criterion.spec, pair[1]))


def _forward_backward(module, spec, args: list, douts: list):
    def run():
        result = getattr(module, spec.name)(*copy.deepcopy(args))
        getattr(module, spec.backward)(*douts, result[-1])
    return run


def _finite_difference_seconds(module, spec, args: list, budget: float) -> tuple[float, int, float]:
    """Run central differences of ``module``'s forward for up to ``budget`` s: (extrapolated total, calls, seconds)."""
    calls_needed = 2 * _elements(spec, args)
    leaves = [args[spec.args.index(name)] for name in spec.wrt]
    leaves = [v for leaf in leaves for v in (leaf.values() if isinstance(leaf, dict) else [leaf])]
    forward = getattr(module, spec.name)
    calls, start = 0, time.perf_counter()
    for leaf in leaves:
        flat = leaf.reshape(-1)
        for k in range(flat.size):
            for step in (1e-6, -2e-6):
                flat[k] += step
                forward(*args)
                calls += 1
            flat[k] += 1e-6
            if time.perf_counter() - start > budget:
                elapsed = time.perf_counter() - start
                return elapsed * calls_needed / calls, calls, elapsed
    elapsed = time.perf_counter() - start
    return elapsed, calls, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exercises", nargs="*", help="exercises to time (default: all of the course)")
    parser.add_argument("--fd-seconds", type=float, default=12.0, help="how long to run the finite differences")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    course = load_course()
    exercises = tuple(options.exercises) or course.names
    for rubric in load_rubrics(course, exercises):
        reference = course.reference(rubric.exercise)
        for criterion in (c for c in rubric.criteria if c.kind == "backward"):
            spec = criterion.spec
            case, args = _largest_case(criterion, course)
            result = getattr(reference, spec.name)(*copy.deepcopy(args))
            rng = case.rng("dout")
            douts = [rng.standard_normal(np.shape(result[spec.outputs.index(name)])) for name in spec.upstream]
            print(f"\n{criterion.id}: \"{case.label}\" {case.params}, {_elements(spec, args)} input elements")
            rows = _rows(course, rubric.exercise, options.repeats)
            fastest, fastest_forward = None, float("inf")
            for name, module, repeats in rows:
                seconds = _best(_forward_backward(module, spec, args, douts), repeats)
                forward = _best(lambda: getattr(module, spec.name)(*copy.deepcopy(args)), repeats)
                if forward < fastest_forward:
                    fastest, fastest_forward = module, forward
                print(f"  {name:55s} forward + backward {seconds * 1e3:9.1f} ms   (forward {forward * 1e3:.2f} ms)")
            total, calls, elapsed = _finite_difference_seconds(fastest, spec, copy.deepcopy(args), options.fd_seconds)
            print(f"  {'finite differences of the fastest forward':55s} {total:9.1f} s  "
                  f"({calls} of {2 * _elements(spec, args)} forward calls in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
