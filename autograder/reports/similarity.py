"""``autograder similarity OUT``: pairwise code similarity of a batch, per exercise, with copydetect.

``autograder batch`` keeps the modules every submission was graded on in
``OUT/submissions/<name>/code/<exercise>.py`` (a notebook's solution cells as its module). For each
exercise, every pair of them, and every one against each reference source (``--reference``:
earlier semesters, known public solutions), is compared with copydetect: the code is tokenized
(names become ``V``, function names ``F``, strings ``S``; comments and layout go), its k-grams
are hashed and winnowed (the fingerprinting behind MOSS), and two modules share the code their
common fingerprints cover. Renamed variables and reordered functions change none of that.

What is no evidence of copying is taken out first:

- **the stub**: every k-gram of the course's stub of the exercise (its docstrings, signatures and
  provided helpers, which every submission starts from);
- **common code**: a fingerprint found in more than ``max(min_common, common_share * N)`` of the
  N submissions of the exercise (the short helpers and idioms that independent students write
  alike, MOSS's ``-m``), unless a reference source has it too: a public solution many students
  copied must stand out, not vanish.

The similarity of a pair is the code they share over the larger module's code plus
``prior_tokens`` (100 tokens, about one short function): ``shared / (larger + prior_tokens)``. A
module copied whole scores near 1 (0.9 for 1000 tokens); a near-empty module that shares its one
short helper with another does not rank high (80 shared tokens give at most 0.44), nor does a
short module against a long one. Each module's share of its code found in the other
(``similarity_a``, ``similarity_b``) and the tokens they share are in the CSV too. ``OUT/similarity.csv`` has one row per
pair that shares any code (columns ``a``, ``b``, ``exercise``, ``similarity``, ``similarity_a``,
``similarity_b``, ``shared_tokens``), highest first; ``OUT/similarity.html`` shows the top pairs
with the shared code highlighted side by side. ``benchmarks/similarity.py`` measures the ranking
on a generated class with planted copies.

copydetect hashes k-grams with Python's ``hash``, which differs between processes unless
``PYTHONHASHSEED`` is set: the comparisons run in worker processes started with
``PYTHONHASHSEED=0``, so every run gives the same numbers. copydetect (and the matplotlib it
imports) is imported in those workers only.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import jinja2
from markupsafe import Markup

from autograder.course.model import Course, load_course
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import write_csv
from autograder.sandbox.staging import Rules, SubmissionError, notebook_exercise, stage

CSV = "similarity.csv"
PAGE = "similarity.html"
CSV_HEADER = ("a", "b", "exercise", "similarity", "similarity_a", "similarity_b", "shared_tokens")
REFERENCE_PREFIX = "reference:"
"""How a reference source is named in column ``b``: ``reference:<folder>/<submission>``."""
CODE_DIR = "code"


class SimilarityError(RuntimeError):
    """A batch output folder with no kept code, or a reference folder that cannot be read."""


@dataclass(frozen=True)
class Settings:
    """How code is fingerprinted and what counts as common (see the module docstring).

    Attributes
    ----------
    noise : int
        k, the length of a k-gram in tokenized characters: shared runs shorter than this are ignored.
    guarantee : int
        Shared runs at least this long are always found (winnowing window ``guarantee - noise + 1``).
    stub_boilerplate : bool
        Take the course's stub of each exercise out as boilerplate.
    common_share, min_common : float, int
        A fingerprint in more than ``max(min_common, common_share * N)`` submissions is common
        code; ``common_share=None`` keeps every fingerprint.
    prior_tokens : int
        The code a pair's similarity is discounted by: ``shared / (larger + prior_tokens)``; 0
        makes it the smaller of the two shares.
    shown : int
        Pairs the HTML page shows side by side.
    """

    noise: int = 25
    guarantee: int = 30
    stub_boilerplate: bool = True
    common_share: float | None = 0.25
    min_common: int = 4
    prior_tokens: int = 100
    shown: int = 40


@dataclass(frozen=True)
class Pair:
    """Two modules of one exercise and the code they share."""

    a: str
    b: str
    exercise: str
    similarity: float
    similarity_a: float
    similarity_b: float
    shared_tokens: int

    def row(self) -> tuple:
        return (self.a, self.b, self.exercise, self.similarity, self.similarity_a, self.similarity_b,
                self.shared_tokens)


@dataclass(frozen=True)
class SimilarityReport:
    """What :func:`write_similarity` wrote and found."""

    csv: Path
    page: Path
    pairs: tuple[Pair, ...]
    submissions: int
    exercises: tuple[str, ...]
    references: int


@dataclass
class _Task:
    """One exercise's comparisons, sent to a worker process."""

    exercise: str
    sources: dict[str, str]
    """The class's modules, by submission name."""
    references: dict[str, str]
    """The reference sources' modules, by their name in column ``b``."""
    stub: str | None
    settings: Settings


def write_similarity(out: Path, course: Course | None = None, references: list[Path] | None = None,
                     settings: Settings | None = None, jobs: int | None = None) -> SimilarityReport:
    """Compare the kept code of the batch output ``out`` and write ``similarity.csv`` and ``similarity.html``.

    Parameters
    ----------
    out : Path
        The ``--out`` folder of ``autograder batch``.
    course : Course, optional
        Whose stubs are boilerplate and which exercises are compared (default: :func:`load_course`).
    references : list of Path, optional
        Reference folders: an earlier batch's output, a folder of submissions, or one solution.
    settings : Settings, optional
    jobs : int, optional
        Worker processes (default: the number of cores).

    Raises
    ------
    SimilarityError
        When ``out`` holds no kept code, or a reference folder is not one.
    """
    out, course, settings = Path(out), course or load_course(), settings or Settings()
    submissions = kept_code(out, course)
    exercises = tuple(e for e in course.names if any(e in modules for modules in submissions.values()))
    sources = reference_sources(references or [], course)
    tasks = [_Task(e, {name: modules[e] for name, modules in submissions.items() if e in modules},
                   {name: modules[e] for name, modules in sources.items() if e in modules},
                   _stub(course, e) if settings.stub_boilerplate else None, settings) for e in exercises]
    with _hash_seed_fixed(), ProcessPoolExecutor(max_workers=min(jobs or os.cpu_count() or 1, len(tasks) or 1),
                                                 mp_context=get_context("spawn")) as pool:
        done = list(pool.map(compare_exercise, tasks))
    pairs = sorted((pair for pairs, _ in done for pair in pairs), key=lambda p: (-p.similarity, p.exercise, p.a, p.b))
    views = {key: view for _, found in done for key, view in found.items()}
    table = write_csv([CSV_HEADER, *(pair.row() for pair in pairs)], out / CSV)
    shown = [pair for pair in pairs if (pair.exercise, pair.a, pair.b) in views][:settings.shown]
    page = atomic_write_text(out / PAGE, _render(shown, views, len(submissions), exercises, len(sources), settings))
    return SimilarityReport(table, page, tuple(pairs), len(submissions), exercises, len(sources))


def kept_code(out: Path, course: Course) -> dict[str, dict[str, str]]:
    """The modules the batch in ``out`` kept, ``{submission: {exercise: code}}``, for the course's exercises.

    Raises
    ------
    SimilarityError
        When ``out`` is no batch output folder, or none of its submissions kept code.
    """
    folders = sorted(p for p in Path(out).glob("submissions/*") if p.is_dir())
    if not folders:
        raise SimilarityError(f"{out}: no submissions/; expected the output folder of `autograder batch DIR --out {out}`")
    found = {folder.name: _modules(folder / CODE_DIR, course) for folder in folders if (folder / CODE_DIR).is_dir()}
    if not found:
        raise SimilarityError(f"{out}: no submission kept its code (submissions/<name>/{CODE_DIR}/); this batch predates "
                              f"it: run the same `autograder batch DIR --out {out}` again, which keeps the code of "
                              f"graded submissions without grading them again")
    return found


def reference_sources(folders: list[Path], course: Course) -> dict[str, dict[str, str]]:
    """The modules of reference folders, ``{"reference:<name>": {exercise: code}}``.

    A folder is an earlier batch's output (its kept code), one solution (it holds exercise modules
    or notebooks itself), or a folder of submissions (folders, zips, notebooks), each staged as
    ``autograder batch`` stages them.

    Raises
    ------
    SimilarityError
        When a folder does not exist or holds nothing of the course's exercises.
    """
    from autograder.integrations.batch import BatchError, report_dir, survey

    rules = Rules(course.names, course.forbidden)
    found: dict[str, dict[str, str]] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise SimilarityError(f"--reference {folder}: not a folder; expected an earlier batch's output, a folder of "
                                  f"submissions or one solution's folder")
        if (folder / "submissions").is_dir():
            entries = {f"{folder.name}/{name}": modules for name, modules in kept_code(folder, course).items()}
        elif _holds_exercises(folder, course):
            entries = {folder.name: _staged(folder, rules, course)}
        else:
            try:
                submissions, _ = survey(folder, course)
            except BatchError as error:
                raise SimilarityError(f"--reference {folder}: {error}") from None
            entries = {f"{folder.name}/{report_dir(folder, s).name}": _staged(s, rules, course) for s in submissions}
        entries = {name: modules for name, modules in entries.items() if modules}
        if not entries:
            raise SimilarityError(f"--reference {folder}: no module of the course's exercises ({', '.join(course.names)})")
        found.update({REFERENCE_PREFIX + name: modules for name, modules in entries.items()})
    return found


def _holds_exercises(folder: Path, course: Course) -> bool:
    return any((folder / f"{e}.py").is_file() for e in course.names) or any(
        notebook_exercise(p, course.names) for p in folder.glob("*.ipynb"))


def _staged(submission: Path, rules: Rules, course: Course) -> dict[str, str]:
    try:
        with stage(submission, rules) as staged:
            return _modules(staged.path, course)
    except (SubmissionError, OSError):
        return {}


def _modules(folder: Path, course: Course) -> dict[str, str]:
    return {e: (folder / f"{e}.py").read_text(encoding="utf-8", errors="replace")
            for e in course.names if (folder / f"{e}.py").is_file()}


def _stub(course: Course, exercise: str) -> str | None:
    path = course.stubs_dir / f"{exercise}.py"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@contextlib.contextmanager
def _hash_seed_fixed():
    """``PYTHONHASHSEED=0`` for the processes started meanwhile, so copydetect's hashes agree and repeat."""
    before = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = before


# -- in a worker process ------------------------------------------------------------------------


def compare_exercise(task: _Task) -> tuple[list[Pair], dict]:
    """Every pair of ``task``'s modules (and each against every reference) that shares code, and the
    highlighted code of its ``settings.shown`` most similar pairs, ``{(exercise, a, b): (html_a, html_b)}``."""
    import numpy as np
    from copydetect import CodeFingerprint

    settings = task.settings

    def fingerprint(code: str, window: int, boilerplate=None):
        return CodeFingerprint(f"{task.exercise}.py", settings.noise, window, boilerplate=boilerplate,
                               fp=io.StringIO(code), language="python")

    window = settings.guarantee - settings.noise + 1
    boilerplate = np.array(sorted(fingerprint(task.stub, 1).hashes) if task.stub else [], dtype=np.int64)
    prints = {name: fingerprint(code, window, boilerplate) for name, code in {**task.sources, **task.references}.items()}
    common = _common_hashes([prints[name] for name in task.sources], [prints[name] for name in task.references],
                            settings)
    prints = {name: _without(print_, common) for name, print_ in prints.items()}
    names = sorted(task.sources)
    candidates = [*itertools.combinations(names, 2), *itertools.product(names, sorted(task.references))]
    found = []
    for a, b in candidates:
        pair = _compare(task.exercise, a, b, prints[a], prints[b], settings.prior_tokens)
        if pair is not None:
            found.append(pair)
    found.sort(key=lambda p: -p.similarity)
    views = {(p.exercise, p.a, p.b): _highlighted(prints[p.a], prints[p.b]) for p in found[:settings.shown]}
    return found, views


def _common_hashes(class_prints: list, reference_prints: list, settings: Settings) -> set:
    """Fingerprints in more than ``max(min_common, common_share * N)`` of the class's modules, and in no reference."""
    if settings.common_share is None:
        return set()
    counts = Counter(h for print_ in class_prints for h in print_.hashes)
    limit = max(settings.min_common, math.ceil(settings.common_share * len(class_prints)))
    known = set().union(*(print_.hashes for print_ in reference_prints))
    return {h for h, count in counts.items() if count > limit and h not in known}


def _without(print_, hashes: set):
    """A copydetect fingerprint without ``hashes``, as if they had been boilerplate (removed after winnowing)."""
    import copy

    from copydetect.utils import get_token_coverage

    if not hashes & print_.hashes:
        return print_
    kept = copy.copy(print_)
    kept.hashes = print_.hashes - hashes
    kept.hash_idx = {h: idx for h, idx in print_.hash_idx.items() if h not in hashes}
    kept.token_coverage = get_token_coverage(kept.hash_idx, print_.k, len(print_.filtered_code))
    return kept


def _compare(exercise: str, a: str, b: str, print_a, print_b, prior_tokens: int) -> Pair | None:
    """The pair's shared code (``None`` if none): each module's share of it, and the similarity,
    ``shared / (larger + prior_tokens)`` counted in the larger module's tokens."""
    from copydetect import compare_files

    if not print_a.hashes & print_b.hashes:
        return None
    shared, (share_a, share_b), _ = compare_files(print_a, print_b)
    if not shared:
        return None
    share_a, share_b = min(1.0, float(share_a)), min(1.0, float(share_b))
    larger, share = max((float(print_a.token_coverage), share_a), (float(print_b.token_coverage), share_b))
    similarity = share * larger / (larger + prior_tokens)
    return Pair(a, b, exercise, round(similarity, 4), round(share_a, 4), round(share_b, 4), int(shared))


def _highlighted(print_a, print_b) -> tuple[str, str]:
    """Both modules as escaped HTML, their shared code in ``<mark>``."""
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    _, _, (slices_a, slices_b) = compare_files(print_a, print_b)
    return tuple(highlight_overlap(p.raw_code, slices, "<mark>", "</mark>", escape_html=True)[0]
                 for p, slices in ((print_a, slices_a), (print_b, slices_b)))


# -- the page -----------------------------------------------------------------------------------


def _render(pairs: list[Pair], views: dict, submissions: int, exercises: tuple[str, ...], references: int,
            settings: Settings) -> str:
    """The page: a table of ``pairs``, then each pair's code side by side (already escaped, shared code marked)."""
    environment = jinja2.Environment(loader=jinja2.PackageLoader("autograder", "reports/templates"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    shown = [(pair, *map(Markup, views[pair.exercise, pair.a, pair.b])) for pair in pairs]
    return environment.get_template("similarity.html.j2").render(
        shown=shown, submissions=submissions, exercises=exercises, references=references, settings=settings)


def top_pairs(out: Path, count: int = 10) -> list[dict] | None:
    """The ``count`` most similar pairs of ``out/similarity.csv``, or None when ``autograder similarity`` has not run."""
    import csv

    path = Path(out) / CSV
    if not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as file:
        return list(itertools.islice(csv.DictReader(file), count))
