"""Build the example submissions the demo grades (``bash scripts/demo``).

Run ``python examples/build_examples.py`` after changing the references, the stubs or the bug
catalogue; it rewrites ``examples/submissions/*.zip``:

- ``alice.zip``: a correct submission written in other styles than the reference (naive loops,
  einsum, other caches), from ``tests/corpus/correct/``: full marks;
- ``bob.zip``: correct code with the classic bugs students really make, one per exercise, from
  the misconception catalogue: points lost and each bug named in the feedback;
- ``carol.zip``: half done: conv, pooling and dropout solved, the rest still the stubs, and no
  residual.py at all.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from autograder.misconceptions import misconception

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "tests" / "corpus" / "correct"
OUT = ROOT / "examples" / "submissions"

ALICE = {"conv": "naive_loops", "pooling": "as_strided_onehot", "rnn": "einsum_dict_cache",
         "lstm": "helper_classes", "dropout": "binomial_helpers", "batchnorm": "step_by_step_graph",
         "residual": "tape_dict_cache"}
BOB = {"conv": "flipped_kernel", "pooling": "gradient_to_all_tied_maxima", "rnn": "weight_grads_overwritten_not_accumulated",
       "lstm": "cs231n_gate_order_ifog", "dropout": "p_is_keep_probability", "batchnorm": "biased_running_variance",
       "residual": "missing_skip_gradient"}
CAROL_DONE = ("conv", "pooling", "dropout")
CAROL_STUBS = ("rnn", "lstm", "batchnorm")


def write_zip(name: str, modules: dict[str, str]) -> Path:
    """A zip holding ``<name>/<exercise>.py`` for each module's source, as a student would upload it."""
    path = OUT / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for exercise, source in modules.items():
            info = zipfile.ZipInfo(f"{name}/{exercise}.py", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, source)
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_zip("alice", {e: (CORRECT / e / f"{style}.py").read_text() for e, style in ALICE.items()})
    write_zip("bob", {e: misconception(f"{e}.{bug}").source for e, bug in BOB.items()})
    carol = {e: (CORRECT / e / f"{ALICE[e]}.py").read_text() for e in CAROL_DONE}
    carol.update({e: (ROOT / "exercises" / f"{e}.py").read_text() for e in CAROL_STUBS})
    write_zip("carol", carol)
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.zip')))} in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
