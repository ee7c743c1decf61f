"""The hint rate: the share of realistic bugs outside the catalogue whose feedback names the mistake.

Run: ``python benchmarks/hint_rate.py [--jobs N] [--bugs]``. Every bug of
``tests/corpus/uncatalogued/<exercise>/`` (see ``tests/heldout.py``) is put into the reference and
graded on public and hidden cases; its feedback *names the bug* when some case reports the
catalogued misconception its docstring declares (``Same mistake as: ...``), and names it *wrongly*
when a case reports any other. Printed per exercise: the bugs, how many lose points, how many are
named, how many declare a catalogued mistake, how many are named wrongly (must be 0), and the hint
rate (named / bugs). ``--bugs`` also lists every bug with what its feedback named.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the shared test helpers: the uncatalogued bugs and how they are judged

from heldout import Feedback, feedback, held_out_bugs  # noqa: E402


def _feedback(index: int) -> Feedback:
    """The feedback on the ``index``-th bug (a worker process re-imports this module, so ``heldout`` too)."""
    return feedback(held_out_bugs()[index])


def table(results: list[Feedback]) -> list[str]:
    """One line per exercise and a total: bugs, losing points, named, declared, named wrongly, hint rate."""
    header = f"{'exercise':<10} {'bugs':>5} {'lose':>5} {'named':>6} {'declared':>9} {'wrong':>6} {'hint rate':>10}"
    lines = [header, "-" * len(header)]
    exercises = list(dict.fromkeys(r.bug.exercise for r in results))
    for name, group in [(e, [r for r in results if r.bug.exercise == e]) for e in exercises] + [("total", results)]:
        named = sum(r.hit for r in group)
        lines.append(f"{name:<10} {len(group):>5} {sum(r.lost_points for r in group):>5} {named:>6} "
                     f"{sum(r.bug.declared is not None for r in group):>9} {sum(bool(r.wrong) for r in group):>6} "
                     f"{named / len(group):>10.0%}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes grading at once (default 2)")
    parser.add_argument("--bugs", action="store_true", help="also list every bug and what its feedback named")
    args = parser.parse_args()
    start = time.monotonic()
    count = len(held_out_bugs())
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_feedback, range(count)))
    print("\n".join(table(results)))
    print(f"({count} bugs graded in {time.monotonic() - start:.0f} s)")
    if args.bugs:
        for r in results:
            verdict = "named" if r.hit else ("WRONG" if r.wrong else "-")
            print(f"{verdict:<6} {r.bug.id:<50} lost points: {r.lost_points!s:<5} "
                  f"declared: {r.bug.declared or '-'}; named: {', '.join(sorted(r.named)) or '-'}")


if __name__ == "__main__":
    main()
