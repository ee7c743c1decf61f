"""Wall time of ``autograder grade`` on the whole course, for a vectorized and a loop-based submission.

Run: ``python benchmarks/grade_speed.py [--repeats N]``. The vectorized submission is the
reference; the loop-based one takes, for each exercise, the correct corpus module written with
naive Python loops (``tests/corpus/correct/<exercise>/*loop*.py``). Each is graded by the real
command line (a fresh process, the sandbox, public and hidden cases), best of N runs.
Targets on a 2-core machine: at most 2 s and 10 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "correct"
EXERCISES = ("conv", "pooling", "rnn", "lstm", "dropout", "batchnorm", "residual")


def loop_based_submission(folder: Path) -> list[str]:
    """Fill ``folder`` with the loop-based correct modules; return where each module came from."""
    sources = []
    for exercise in EXERCISES:
        loops = sorted((CORPUS / exercise).glob("*loop*.py"))
        source = loops[0] if loops else ROOT / "reference" / f"{exercise}.py"
        shutil.copyfile(source, folder / f"{exercise}.py")
        sources.append(str(source.relative_to(ROOT)))
    return sources


def time_grade(submission: Path, repeats: int) -> tuple[float, dict]:
    """Best wall time of ``autograder grade --json`` over ``repeats`` runs, and the last report."""
    best, report = float("inf"), {}
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--json"],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
        report = json.loads(done.stdout)
    return best, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        loops = Path(tmp) / "loops"
        loops.mkdir()
        sources = loop_based_submission(loops)
        rows = []
        for name, submission in (("vectorized (reference)", ROOT / "reference"), ("loop-based", loops)):
            seconds, report = time_grade(submission, args.repeats)
            criteria = sum(len(e["criteria"]) for e in report["exercises"])
            cases = sum(len(c["cases"]) for e in report["exercises"] for c in e["criteria"])
            rows.append((name, seconds, report["score"], report["max_score"], criteria, cases, report["sandbox"]))
    print(f"{'submission':<24} {'wall s':>7} {'score':>13} {'entries':>8} {'cases':>6}")
    for name, seconds, score, max_score, criteria, cases, _ in rows:
        print(f"{name:<24} {seconds:>7.2f} {f'{score:g}/{max_score:g}':>13} {criteria:>8} {cases:>6}")
    print(f"sandbox: {rows[0][6]}")
    print("loop-based modules: " + ", ".join(sources))


if __name__ == "__main__":
    main()
