"""How well ``autograder similarity`` ranks planted copies above independent work, and how fast it runs.

Run: ``python benchmarks/similarity.py [--seeds 3] [--students 120]``. For each seed it generates
the class of ``tests/classroom.py`` (independent solutions: the reference and the correct corpus
styles, some written into the stub, some sharing the short helpers everyone writes alike; planted
copies with renamed variables and reordered functions, a chain, partial copies), compares it
under three settings and prints, averaged over the seeds:

- precision@K: the share of planted pairs among the K most similar pairs, K = the number of
  planted pairs (then every planted pair is at the top exactly when precision@K is 1);
- precision@10;
- the highest similarity of a pair that is not planted, and the lowest of a planted pair;

for the settings ``copydetect only`` (no boilerplate, no common-code filter, copydetect's
default k-gram size and window, the similarity the smaller of the two shares), ``+ stub`` (the
stub as boilerplate), ``+ stub + common`` (fingerprints in more than 25% of the class, and at
least 4 submissions, dropped) and ``+ size`` (the default: ``shared / (larger + 100 tokens)``).
Then, for the default settings, the same figures when a pair's similarity is the smaller, the
mean or the larger of its two shares instead. Finally it times a class of ``--students``
submissions (copies of the generated class under other disguises) on this machine's cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder.reports.similarity import Settings, write_similarity  # noqa: E402
from classroom import build_class, contract, disguise, write_batch_out  # noqa: E402

SETTINGS = {
    "copydetect only": Settings(noise=25, guarantee=25, stub_boilerplate=False, common_share=None, prior_tokens=0),
    "+ stub": Settings(common_share=None, prior_tokens=0),
    "+ stub + common": Settings(prior_tokens=0),
    "+ stub + common + size (default)": Settings(),
}
COMBINE = {"smaller share": min, "mean share": lambda a, b: (a + b) / 2, "larger share": max}


def figures(ranked: list[tuple[float, tuple]], planted: set) -> dict[str, float]:
    """precision@K, precision@10, highest unplanted and lowest planted similarity of a ranking."""
    ranked = sorted(ranked, key=lambda item: -item[0])
    k = len(planted)
    hits = [key in planted for _, key in ranked]
    unplanted = [s for s, key in ranked if key not in planted]
    found = [s for s, key in ranked if key in planted]
    return {"P@K": sum(hits[:k]) / k, "P@10": sum(hits[:10]) / 10, "top unplanted": max(unplanted, default=0.0),
            "lowest planted": min(found, default=0.0) if len(found) == k else 0.0}


def show(title: str, rows: list[dict[str, float]]) -> None:
    means = {key: statistics.fmean(row[key] for row in rows) for key in rows[0]}
    worst = min(row["P@K"] for row in rows)
    print(f"{title:34s} P@K {means['P@K']:.3f} (worst {worst:.3f})  P@10 {means['P@10']:.3f}  "
          f"top unplanted {means['top unplanted']:.3f}  lowest planted {means['lowest planted']:.3f}")


def precision(seeds: int) -> None:
    by_settings = {name: [] for name in SETTINGS}
    by_combine = {name: [] for name in COMBINE}
    for seed in range(seeds):
        modules, planted = build_class(seed)
        with tempfile.TemporaryDirectory() as folder:
            out = write_batch_out(Path(folder) / "out", modules)
            for name, settings in SETTINGS.items():
                pairs = write_similarity(out, settings=settings).pairs
                by_settings[name].append(figures([(p.similarity, (p.exercise, p.a, p.b)) for p in pairs], planted))
                if settings == Settings():
                    for how, combine in COMBINE.items():
                        ranked = [(combine(p.similarity_a, p.similarity_b), (p.exercise, p.a, p.b)) for p in pairs]
                        by_combine[how].append(figures(ranked, planted))
        print(f"seed {seed}: {len(modules)} submissions, {len(planted)} planted pairs")
    print("\nsettings:")
    for name, rows in by_settings.items():
        show(name, rows)
    print("\ndefault settings, similarity as:")
    for name, rows in by_combine.items():
        show(name, rows)


def speed(students: int) -> None:
    modules, _ = build_class(0)
    names = sorted(modules)
    big = {f"s{n:03d}": {e: disguise(code, n, keep=contract(e)) for e, code in modules[names[n % len(names)]].items()}
           for n in range(students)}
    with tempfile.TemporaryDirectory() as folder:
        out = write_batch_out(Path(folder) / "out", big)
        start = time.perf_counter()
        report = write_similarity(out)
        seconds = time.perf_counter() - start
    compared = len(report.exercises) * students * (students - 1) // 2
    print(f"\n{students} submissions x {len(report.exercises)} exercises: {compared} pairs compared in {seconds:.1f} s "
          f"({compared / seconds:.0f} pairs/s, {students * len(report.exercises) / seconds:.1f} modules/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--students", type=int, default=120)
    args = parser.parse_args()
    if args.seeds:
        precision(args.seeds)
    if args.students:
        speed(args.students)


if __name__ == "__main__":
    main()
