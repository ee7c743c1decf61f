"""``autograder batch DIR --out OUT``: grade a whole class, in parallel, resumably, on this machine or a cluster.

Every entry of DIR (a folder, a ``.zip`` or a ``.ipynb``) is one submission; anything else is
named in a warning and left out, and a DIR with nothing to grade (one submission's own folder,
passed by mistake) is refused. Each submission is read once into a
:class:`~autograder.integrations.packing.Pack`, whose hash, with the course version, the
assignment and the notebook cells, is its key in the journal (:mod:`~autograder.integrations.journal`):
a rerun (after a crash, ``kill -9``, or new submissions) skips what is graded for the same key.

The packs are graded by an engine, each in its own sandboxed worker, into plain results (the JSON
report and the feedback page): by default a pool of this machine's processes (one per core), or
with ``scheduler`` a Dask cluster (:mod:`~autograder.integrations.cluster`). This process alone
writes ``OUT``: per submission ``OUT/submissions/<name>/report.json`` and ``feedback.html``, then
``OUT/gradebook.csv`` with a row per submission; every file atomically. A submission that cannot
be graded gets a zero row with status ``error`` and its reason in its report; it never stops the batch.

Each report folder also receives ``code/``: the modules the submission was graded on
(``code/<exercise>.py``, a notebook's solution cells as its module), what ``autograder similarity
OUT`` compares; the grading process stages them (read, never run) and hands them back with the
results.

The late policy (:mod:`autograder.course.late`) is applied by this process after grading, to every
report, on every run: a changed deadline or submission time rewrites the reports it changes,
without regrading. A submission's time comes from ``submitted`` (a submission's name or identity
to its time, e.g. from ``--submission-times FILE.csv``), else from the ``timestamp.txt`` nbgrader's
collect puts in a submission folder; without a time or a deadline a report has no ``late`` entry.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text

from autograder.course.late import LateError, lateness, nbgrader_timestamp
from autograder.course.model import Course, load_course
from autograder.course.rubric import Rubric, load_rubrics
from autograder.integrations.journal import Journal, JournalBusy
from autograder.integrations.packing import Pack, PackError, pack_submission
from autograder.integrations.roster import GRADESCOPE_METADATA, RosterError, student_ids
from autograder.judge.cases import Secret, load_secret
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import write_gradebook
from autograder.reports.html import to_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.reports.text import terminal
from autograder.results import ExerciseResult, SubmissionResult
from autograder.sandbox.isolation import Sandbox
from autograder.sandbox.staging import NotebookCells, Rules, SubmissionError, notebook_exercise, stage

SUBMISSION_SUFFIXES = (".zip", ".ipynb")
KEY_FIELDS = ("content_hash", "course_version", "assignment", "notebook_cells")
"""What a report must match to count as graded: the submission's bytes, the course, the assignment, the cells."""
CODE_DIR = "code"
"""The folder of a submission's report folder holding the modules it was graded on."""
ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".7z", ".rar", ".gz")


class BatchError(ValueError):
    """A batch that cannot run as asked (nothing to grade, two submissions with one name, an unknown
    ``--only`` name, another batch on the same OUT); the message says what to do."""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did.

    Attributes
    ----------
    graded, skipped, errors : int
        Submissions graded in this run, skipped as already graded, and graded in this run as errors.
    seconds : float
    gradebook : Path
    failures : list of (str, str)
        Every submission of the gradebook that could not be graded, with the reason.
    warnings : list of str
        Entries of DIR that are not submissions, and other things the instructor should know.
    pending : list of str
        Submissions not in the gradebook: changed or never graded, and left out by ``only``.
    duplicates : int
        Results that arrived twice for one submission (a cluster ran a task again) and were written once.
    """

    graded: int
    skipped: int
    errors: int
    seconds: float
    gradebook: Path
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class Job:
    """One submission to grade: its pack, its name, whose it is (seeds its hidden cases) and its key."""

    pack: Pack
    identity: str
    key: dict

    @property
    def name(self) -> str:
        return self.pack.name


@dataclass(frozen=True)
class GradingContext:
    """What grading a job needs besides the job, on the machine that grades it."""

    course: Course
    rubrics: list[Rubric]
    secret: Secret
    notebook_cells: NotebookCells = "solution"


Outcome = Callable[[Job, dict], None]
"""Called with a job and its envelope (:func:`grade_one`'s return value)."""
Lost = Callable[[Job, str], None]
"""Called with a job the infrastructure failed to grade, and the reason."""


# -- the batch --------------------------------------------------------------------------------------


def run_batch(directory: Path, out: Path, jobs: int | None = None, console: Console | None = None,
              notebook_cells: NotebookCells = "solution", course: Course | None = None,
              assignment: str | None = None, only: Iterable[str] | None = None, force: bool = False,
              roster: Path | None = None, scheduler: str | None = None, submitted: dict[str, datetime] | None = None,
              deadline: datetime | None = None) -> BatchSummary:
    """Grade every submission in ``directory`` into ``out`` and write the gradebook.

    Parameters
    ----------
    directory : Path
        A folder of submissions: folders, zips and notebooks.
    out : Path
    jobs : int, optional
        Submissions graded at once on this machine; default: the number of cores. Not used with ``scheduler``.
    console : rich.console.Console, optional
        Where warnings and the progress bar go (standard error by default).
    notebook_cells : {"solution", "all"}
        Which cells of a notebook become the module (see :func:`~autograder.sandbox.staging.notebook_code`).
    course : Course, optional
        Default: :func:`~autograder.course.model.load_course`.
    assignment : str, optional
        Default: the course's default assignment.
    only : iterable of str, optional
        Grade only these submissions (by their name in ``directory``, with or without ``.zip``/``.ipynb``).
    force : bool
        Grade again what is already graded (all, or those of ``only``).
    roster : Path, optional
        A CSV with the columns ``submission`` and ``student_id`` (see :mod:`~autograder.integrations.roster`).
    scheduler : str, optional
        The address of a Dask scheduler (``tcp://host:8786``) to grade on instead of this machine's processes.
    submitted : dict, optional
        Submission times, by a submission's name (``alice``, ``alice.zip``) or identity.
    deadline : datetime, optional
        Replaces the course's deadline of the assignment (``deadlines`` in ``course.yaml``).

    Raises
    ------
    BatchError
        When there is nothing to grade, two submissions share a name, ``only`` names an unknown
        submission, another batch writes ``out``, or the roster or the cluster cannot be used.
    """
    start = time.monotonic()
    console = console or Console(stderr=True)
    course = course or load_course()
    assignment = assignment or course.default_assignment
    exercises = course.assignment(assignment)
    submissions, warnings = survey(Path(directory), course, roster)
    for warning in warnings:
        console.print(f"[yellow]warning:[/yellow] {terminal(warning)}")
    selected = _select(submissions, only)
    try:
        ids = student_ids(Path(directory), [s.name for s in submissions], roster)
    except RosterError as error:
        raise BatchError(str(error)) from None
    try:
        journal = Journal(out)
    except JournalBusy as error:
        raise BatchError(str(error)) from None
    with journal:
        for leftover in Path(out).glob("**/.*.tmp"):
            leftover.unlink()
        writer = _Writer(Path(out), journal, exercises)
        context = GradingContext(course, load_rubrics(course, exercises), load_secret(), notebook_cells)
        version = course.version
        todo, keys, skipped = [], {}, 0
        for path in submissions:
            try:
                pack = pack_submission(path)
            except PackError as error:
                keys[path.name] = None
                if path in selected:
                    writer.unreadable(path.name, f"could not be graded: {error}")
                continue
            key = {"content_hash": pack.content_hash, "course_version": version, "assignment": assignment,
                   "notebook_cells": notebook_cells}
            keys[path.name] = key
            if path not in selected:
                continue
            if not force and writer.already_graded(path.name, key):
                skipped += 1
                writer.keep_code(path.name, pack, context)
            else:
                todo.append(Job(pack, _identity(path), key))
        with _progress(console) as progress:
            task = progress.add_task("grading", total=len(selected), completed=len(selected) - len(todo),
                                     skipped=len(selected) - len(todo))
            writer.advance = lambda: progress.advance(task)
            if scheduler:
                from autograder.integrations.cluster import run_on_cluster

                progress.update(task, description="grading on the cluster")
                run_on_cluster(scheduler, todo, context, writer.accept, writer.lost, console)
            else:
                run_locally(todo, context, jobs or os.cpu_count() or 1, writer.accept, writer.lost)
        results, pending = writer.current(submissions, keys)
        results = [writer.late(result, path, course, submitted or {}, deadline or course.deadline(assignment))
                   for result, path in results]
    gradebook = write_gradebook(results, Path(out) / "gradebook.csv", ids)
    failures = [(r.submission, r.reason or "could not be graded") for r in results if r.status == "error"]
    return BatchSummary(writer.graded, skipped, writer.errors, time.monotonic() - start, gradebook, failures,
                        warnings, pending, writer.duplicates)


def survey(directory: Path, course: Course, roster: Path | None = None) -> tuple[list[Path], list[str]]:
    """The submissions in ``directory`` (its folders, zips and notebooks, by name) and a warning for
    every other entry.

    Raises
    ------
    BatchError
        When ``directory`` holds no submission, looks like a single submission, or holds two
        submissions that would be graded as the same student (``alice/`` and ``alice.zip``).
    """
    submissions, warnings, modules, notebooks = [], [], [], []
    roster = Path(roster).resolve() if roster else None
    for entry in sorted(Path(directory).iterdir()):
        name = entry.name
        if name.startswith(".") or name == GRADESCOPE_METADATA or entry.resolve() == roster:
            continue
        if name.startswith("_"):
            warnings.append(f"skipped {name}: names starting with _ are not graded (macOS archive folders, caches)")
        elif entry.is_dir() or entry.suffix in SUBMISSION_SUFFIXES:
            submissions.append(entry)
            if entry.suffix == ".ipynb" and notebook_exercise(entry, course.names):
                notebooks.append(name)
        else:
            warnings.append(f"skipped {name}: {_not_a_submission(entry)}")
            if entry.suffix == ".py" and entry.stem in course.names:
                modules.append(name)
    single = modules or (notebooks if len(notebooks) > 1 and len(notebooks) == len(submissions)
                         and len({notebook_exercise(Path(n), course.names) for n in notebooks}) == len(notebooks)
                         else [])
    if single:
        raise BatchError(f"{directory} looks like one submission (it holds {', '.join(single[:4])}): `autograder "
                         f"batch` grades a folder of submissions, one folder, .zip or .ipynb per student; grade this "
                         f"one with `autograder grade {directory}`, or pass the folder that holds the submissions")
    if not submissions:
        raise BatchError(f"nothing to grade in {directory}: expected submissions (folders, .zip files or notebooks), "
                         f"found {len(warnings)} other entr{'y' if len(warnings) == 1 else 'ies'}")
    _refuse_duplicates(directory, submissions)
    return submissions, warnings


def _not_a_submission(entry: Path) -> str:
    if entry.name.endswith(ARCHIVES):
        return "an archive the grader does not read; unpack it into a folder, or make it a .zip"
    if entry.suffix == ".py":
        return "a module on its own; put a student's modules in a folder named after the student"
    return "not a submission (expected a folder, a .zip or a .ipynb)"


def _refuse_duplicates(directory: Path, submissions: list[Path]) -> None:
    by_name: dict[str, list[Path]] = {}
    for path in submissions:
        by_name.setdefault(_identity(path).casefold(), []).append(path)
    clashes = [paths for paths in by_name.values() if len(paths) > 1]
    if clashes:
        listed = "; ".join(" and ".join(p.name + ("/" if p.is_dir() else "") for p in paths) for paths in clashes)
        raise BatchError(f"{directory}: two submissions would be graded as the same student (one report folder, "
                         f"one set of hidden cases): {listed}; rename or remove one of each")


def _select(submissions: list[Path], only: Iterable[str] | None) -> set[Path]:
    if not only:
        return set(submissions)
    names = {p.name: p for p in submissions} | {_identity(p): p for p in submissions}
    chosen, unknown = set(), []
    for name in only:
        name = name.rstrip("/")
        if name in names:
            chosen.add(names[name])
        else:
            unknown.append(name)
    if unknown:
        hints = [f"{n} (did you mean {', '.join(difflib.get_close_matches(n, names, 3))}?)"
                 if difflib.get_close_matches(n, names, 3) else n for n in unknown]
        raise BatchError(f"--only: no submission named {'; '.join(hints)}")
    return chosen


def _identity(path: Path) -> str:
    """A submission's identity and report folder: its name without ``.zip``/``.ipynb``."""
    return path.name[: -len(path.suffix)] if path.suffix in SUBMISSION_SUFFIXES else path.name


def report_dir(out: Path, submission: Path) -> Path:
    """Where the reports of ``submission`` go: ``OUT/submissions/<name without .zip or .ipynb>``."""
    return Path(out) / "submissions" / _identity(Path(submission))


# -- grading one submission (in a pool process, or on a cluster worker) ----------------------------


def grade_one(job: Job, context: GradingContext, sandbox: Sandbox | None = None) -> dict:
    """Grade ``job`` and return its envelope: ``report`` (the JSON report with the job's key and the
    reason of an error) and ``feedback_html``, plain data for the writer, and where it was graded."""
    from autograder.judge.grading import grade

    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
        try:
            path = job.pack.unpack(Path(tmp))
            result = grade(path, context.rubrics, course=context.course, identity=job.identity,
                           secret=context.secret, notebook_cells=context.notebook_cells, sandbox=sandbox)
            code = result.code
        except Exception as error:  # one bad submission must never stop the batch
            message = str(error).replace(f"{tmp}{os.sep}", "")
            result = error_result(job.name, f"could not be graded: {type(error).__name__}: {message}",
                                  tuple(r.exercise for r in context.rubrics))
            code = None
    result.submission = job.name
    return dict(envelope(result, job.key), code=code)


def graded_modules(path: Path, context: GradingContext) -> dict[str, str] | None:
    """The modules of the context's exercises that the submission at ``path`` is graded on, by file name
    (``conv.py``; a notebook's solution cells as its module): staged again, read and never run. None when
    it cannot be staged."""
    from autograder.judge.grading import graded_code

    rules = Rules(context.course.names, context.course.forbidden, context.notebook_cells)
    try:
        with stage(path, rules) as staged:
            return graded_code(staged.path, context.rubrics)
    except (SubmissionError, OSError):
        return None


def envelope(result: SubmissionResult, key: dict | None) -> dict:
    """What a grading process hands the writer for ``result``."""
    return {"report": dict(to_json_dict(result), **(key or {})), "feedback_html": to_html(result),
            "host": socket.gethostname()}


def error_result(name: str, message: str, exercises: tuple[str, ...]) -> SubmissionResult:
    """The zero result of a submission that could not be graded, ``message`` saying why."""
    return SubmissionResult(name, [ExerciseResult(e, note=message) for e in exercises], status="error", reason=message)


# -- the local engine -------------------------------------------------------------------------------


def run_locally(todo: list[Job], context: GradingContext, jobs: int, accept: Outcome, lost: Lost) -> None:
    """Grade ``todo`` in a pool of ``jobs`` processes, each given ``context`` once (so that its course,
    and the reference answers its oracle remembers, serve every submission it grades).

    When a pool process dies (killed for lack of memory, say), the pool breaks and every submission
    it still held fails with it; those are graded again each in a pool of its own, so that only the
    one that kills its process again is lost.
    """
    if not todo:
        return
    broken = []
    with _pool(min(jobs, len(todo)), context) as pool:
        futures = {pool.submit(grade_in_pool, job): job for job in todo}
        for future in as_completed(futures):
            try:
                accept(futures[future], future.result())
            except BrokenProcessPool:
                broken.append(futures[future])
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as threads:
        futures = {threads.submit(_grade_alone, job, context): job for job in broken}
        for future in as_completed(futures):
            result = future.result()
            if isinstance(result, dict):
                accept(futures[future], result)
            else:
                lost(futures[future], result)


def _pool(processes: int, context: GradingContext) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max(1, processes), mp_context=get_context("spawn"),
                               initializer=_receive_context, initargs=(context,))


_context: GradingContext | None = None
"""The batch's grading context in a pool process."""


def _receive_context(context: GradingContext) -> None:
    global _context
    _context = context


def grade_in_pool(job: Job) -> dict:
    """:func:`grade_one` in a pool process, with the context the pool gave it."""
    return grade_one(job, _context)


def _grade_alone(job: Job, context: GradingContext) -> dict | str:
    """Grade ``job`` in a pool process of its own: its envelope, or why it could not be graded."""
    with _pool(1, context) as pool:
        try:
            return pool.submit(grade_in_pool, job).result()
        except BrokenProcessPool:
            return "could not be graded: its grading process was killed twice (out of memory?)"


# -- writing OUT ------------------------------------------------------------------------------------


class _Writer:
    """Writes OUT from the results the engine hands back: reports, then the journal line; each once."""

    def __init__(self, out: Path, journal: Journal, exercises: tuple[str, ...]):
        self.out, self.journal, self.exercises = out, journal, exercises
        self.graded = self.errors = self.duplicates = 0
        self.written: set[str] = set()
        self.advance: Callable[[], None] = lambda: None

    def already_graded(self, name: str, key: dict) -> bool:
        """Whether ``name`` is graded for ``key``: so says the journal and the report is there (or, for a
        folder graded before the journal existed, its report records the key)."""
        report = self._report_path(name)
        if self.journal.is_final(name, key):
            return report.is_file()
        data = _read_json(report)
        if self.journal.state(name) is None and data and all(data.get(k) == key[k] for k in KEY_FIELDS):
            self.journal.record(name, "error" if data.get("status") == "error" else "graded", key,
                                reason=data.get("reason"))
            return True
        return False

    def accept(self, job: Job, result: dict) -> None:
        """Write a job's reports and journal line, unless a result for it was already written."""
        report = result["report"]
        if job.name in self.written:  # a second result of one job: a cluster ran its task again
            self.duplicates += 1
            return
        if any(report.get(k) != job.key[k] for k in KEY_FIELDS) or report.get("submission") != job.name:
            self.lost(job, "could not be graded: its grader returned a result for another submission or version")
            return
        self._write(job.name, report, result["feedback_html"])
        if result.get("code") is not None:
            self._write_code(job.name, result["code"])
        self.journal.record(job.name, report["status"], job.key, reason=report.get("reason"),
                            host=result.get("host"), seconds=report.get("seconds"))
        self.graded += 1
        self.errors += report["status"] == "error"

    def lost(self, job: Job, reason: str) -> None:
        """Record that the infrastructure failed to grade ``job`` (tried again on the next run)."""
        if job.name in self.written:
            self.duplicates += 1
            return
        failed = error_result(job.name, reason, self.exercises)
        data = envelope(failed, job.key)
        self._write(job.name, data["report"], data["feedback_html"])
        self.journal.record(job.name, "lost", job.key, reason=reason)
        self.graded += 1
        self.errors += 1

    def unreadable(self, name: str, reason: str) -> None:
        """Record a submission whose files could not be read (tried again on the next run)."""
        data = envelope(error_result(name, reason, self.exercises), None)
        self._write(name, data["report"], data["feedback_html"])
        self.journal.record(name, "unreadable", None, reason=reason)
        self.graded += 1
        self.errors += 1

    def keep_code(self, name: str, pack: Pack, context: GradingContext) -> None:
        """Give a submission graded before reports kept code its ``code/`` folder."""
        if (self._report_path(name).parent / CODE_DIR).is_dir():
            return
        with tempfile.TemporaryDirectory(prefix="autograder-batch-") as tmp:
            modules = graded_modules(pack.unpack(Path(tmp)), context)
        if modules is not None:
            self._write_code(name, modules)

    def late(self, result: SubmissionResult, path: Path, course: Course, submitted: dict[str, datetime],
             deadline: datetime | None) -> SubmissionResult:
        """``result`` with the lateness its submission time and ``deadline`` give; its reports rewritten
        if that changed (no regrading: the late policy changes no case)."""
        if result.status == "error":
            return result
        identity = result.identity or _identity(path)
        when = next((submitted[k] for k in (path.name, _identity(path), identity) if k in submitted), None)
        if when is None and path.is_dir():
            try:
                when = nbgrader_timestamp(path)
            except LateError:
                when = None
        late = lateness(result.raw_score, when, deadline, course.late_policy) if when and deadline else None
        if late != result.late:
            result.late = late
            recorded = _read_json(self._report_path(path.name)) or {}
            report = dict(to_json_dict(result), **{k: recorded[k] for k in KEY_FIELDS if k in recorded})
            self._write(path.name, report, to_html(result), advance=False)
        return result

    def current(self, submissions: list[Path], keys: dict) -> tuple[list[tuple[SubmissionResult, Path]], list[str]]:
        """The results of the gradebook with their submissions, in the folder's order, and the submissions
        left out of it."""
        results, pending = [], []
        for path in submissions:
            data = _read_json(self._report_path(path.name))
            key = keys.get(path.name)
            fresh = data is not None and (all(data.get(k) == key[k] for k in KEY_FIELDS) if key
                                          else data.get("status") == "error")
            if not fresh:
                pending.append(path.name)
                continue
            try:
                results.append((from_json_dict(data), path))
            except (KeyError, TypeError, ValueError) as error:
                results.append((error_result(path.name, f"its report could not be read: {error}", self.exercises),
                                path))
        return results, pending

    def _write(self, name: str, report: dict, feedback_html: str, advance: bool = True) -> None:
        target = self._report_path(name).parent
        atomic_write_text(target / "feedback.html", feedback_html)
        atomic_write_text(target / "report.json", json.dumps(report, indent=2, allow_nan=False) + "\n")
        if advance:
            self.written.add(name)
            self.advance()

    def _write_code(self, name: str, modules: dict[str, str]) -> None:
        """Write ``code/`` whole or not at all: as ``code.partial``, then renamed."""
        target = self._report_path(name).parent
        partial = target / f"{CODE_DIR}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for file_name, source in modules.items():
            (partial / Path(file_name).name).write_text(source, encoding="utf-8")
        shutil.rmtree(target / CODE_DIR, ignore_errors=True)
        partial.rename(target / CODE_DIR)

    def _report_path(self, name: str) -> Path:
        return report_dir(self.out, Path(name)) / "report.json"


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# -- progress -----------------------------------------------------------------------------------------


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
                    refresh_per_second=4)


class _RateColumn(ProgressColumn):
    """Submissions graded per minute so far (skipped ones do not count)."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        graded = task.completed - task.fields.get("skipped", 0)
        return Text(f"{graded / elapsed * 60:.0f}/min" if elapsed > 0 and graded else "-/min")


