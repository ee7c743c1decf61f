"""``autograder batch DIR --out OUT``: grade a whole class, in parallel, resumably.

Every entry of DIR (a folder, a ``.zip`` or a ``.ipynb``) is one submission, graded in its own
process of a pool (default: one per core), each with its own sandboxed worker. For each one,
``OUT/submissions/<name>/`` receives ``report.json``, ``feedback.html`` and ``code/``: the modules
it was graded on (``code/<exercise>.py``, a notebook's solution cells as its module), what
``autograder similarity OUT`` compares. At the end ``OUT/gradebook.csv`` has a row per
submission. Every file is written atomically, and a report records the submission's content hash
and the rubrics' version: a rerun (after a crash, ``kill -9``, or new submissions) skips what is
already graded and unchanged, and keeps the code of a graded submission that has none yet. A
submission that cannot be graded gets a zero row with status ``error``; it never stops the batch.

The late policy (:mod:`autograder.course.late`) is applied after grading, to every report, on
every run: a changed deadline or submission time rewrites the reports it changes, without
regrading. A submission's time comes from ``submitted`` (a submission's name or identity to its
time, e.g. from ``--submitted FILE.csv``), else from the ``timestamp.txt`` nbgrader's collect puts
in a submission folder; without a time or a deadline a report has no ``late`` entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from autograder.course.late import LateError, lateness, nbgrader_timestamp
from autograder.course.model import Course, load_course
from autograder.course.rubric import Rubric, load_rubrics
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import write_gradebook
from autograder.reports.html import write_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.results import ExerciseResult, SubmissionResult
from autograder.sandbox.staging import NotebookCells, Rules, SubmissionError, stage, submission_identity

SUBMISSION_SUFFIXES = (".zip", ".ipynb")
KEY_FIELDS = ("content_hash", "course_version", "assignment", "notebook_cells")
"""What a report records of how it was made: a rerun regrades a submission when one of them changed."""
CODE_DIR = "code"
"""The folder of a submission's report folder holding the modules it was graded on."""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: how many submissions it graded, skipped as already graded, and failed."""

    graded: int
    skipped: int
    errors: int
    seconds: float
    gradebook: Path


def find_submissions(directory: Path) -> list[Path]:
    """The submissions in ``directory``: its folders, zips and notebooks, by name."""
    entries = [p for p in Path(directory).iterdir() if not p.name.startswith((".", "_"))]
    return sorted(p for p in entries if p.is_dir() or p.suffix in SUBMISSION_SUFFIXES)


def content_hash(path: Path) -> str:
    """A hash of a submission's files (names and bytes), so a changed submission is graded again.

    Symlinks inside a folder are hashed as the path they point to, never followed, and other
    special files (FIFOs, devices) by name only: reading them could hang or fail.

    Raises
    ------
    OSError
        When a file of the submission cannot be read.
    """
    digest = hashlib.sha256()
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode() + b"\0")
        mode = file.lstat().st_mode if file != path else file.stat().st_mode
        if stat.S_ISLNK(mode):
            digest.update(b"symlink to " + os.fsencode(os.readlink(file)) + b"\0")
        elif stat.S_ISREG(mode):
            digest.update(file.read_bytes())
    return digest.hexdigest()[:24]


def report_dir(out: Path, submission: Path) -> Path:
    name = submission.name[: -len(submission.suffix)] if submission.suffix in SUBMISSION_SUFFIXES else submission.name
    return out / "submissions" / name


def run_batch(directory: Path, out: Path, jobs: int | None = None, console: Console | None = None,
              notebook_cells: NotebookCells = "solution", course: Course | None = None,
              assignment: str | None = None, submitted: dict[str, datetime] | None = None,
              deadline: datetime | None = None) -> BatchSummary:
    """Grade every submission in ``directory`` into ``out`` and write the gradebook.

    Parameters
    ----------
    directory : Path
    out : Path
    jobs : int, optional
        Submissions graded at once; default: the number of cores.
    console : rich.console.Console, optional
        Where the progress bar goes (standard error by default).
    notebook_cells : {"solution", "all"}
        Which cells of a notebook become the module (see :func:`~autograder.sandbox.staging.notebook_code`).
    course : Course, optional
        Default: :func:`~autograder.course.model.load_course`.
    assignment : str, optional
        Default: the course's default assignment.
    submitted : dict, optional
        Submission times, by a submission's name (``alice``, ``alice.zip``) or identity.
    deadline : datetime, optional
        Replaces the course's deadline of the assignment (``deadlines`` in ``course.yaml``).
    """
    start = time.monotonic()
    console = console or Console(stderr=True)
    course = course or load_course()
    assignment = assignment or course.default_assignment
    exercises = course.assignment(assignment)
    for leftover in Path(out).glob("**/.*.tmp"):
        leftover.unlink()
    rubrics = load_rubrics(course, exercises)
    submissions = find_submissions(directory)
    todo, unreadable, skipped = [], [], 0
    for submission in submissions:
        try:
            key = {"content_hash": content_hash(submission), "course_version": course.version,
                   "assignment": assignment, "notebook_cells": notebook_cells}
        except OSError as error:  # graded as an error now, tried again on the next run (no content hash)
            unreadable.append((submission, f"could not be read: {error}"))
            continue
        if _already_graded(report_dir(out, submission) / "report.json", key):
            skipped += 1
            if not (report_dir(out, submission) / CODE_DIR).is_dir():
                keep_code(submission, report_dir(out, submission), course, exercises, notebook_cells)
        else:
            todo.append((submission, key))
    jobs = jobs or os.cpu_count() or 1
    with _progress(console) as progress:
        task = progress.add_task("grading", total=len(submissions), completed=skipped, skipped=skipped)
        for submission, message in unreadable:
            _write_reports(_error_result(submission, message, exercises), report_dir(out, submission), {})
            progress.advance(task)
        statuses = _grade_in_pool(todo, out, course, rubrics, jobs, lambda: progress.advance(task))
    deadline = deadline or course.deadline(assignment)
    results = [_apply_late_policy(_load(report_dir(out, s) / "report.json", s, exercises), s, report_dir(out, s),
                                  course, submitted or {}, deadline)
               for s in submissions]
    gradebook = write_gradebook(results, Path(out) / "gradebook.csv")
    errors = len(unreadable) + statuses.count("error")
    return BatchSummary(len(todo) + len(unreadable), skipped, errors, time.monotonic() - start, gradebook)


def _grade_in_pool(todo: list[tuple[Path, dict]], out: Path, course: Course, rubrics: list[Rubric], jobs: int,
                   advance) -> list[str]:
    """Grade ``todo`` in a pool of ``jobs`` processes; return their statuses.

    When a pool process dies (killed for lack of memory, say), the pool breaks and every submission
    it still held fails with it; those are graded again each in a pool of its own, so that only the
    one that kills its process gets an error row.
    """
    statuses, broken = [], []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(grade_one, submission, report_dir(out, submission), key, course, rubrics):
                   (submission, key)
                   for submission, key in todo}
        for future in as_completed(futures):
            try:
                statuses.append(future.result())
            except BrokenProcessPool:
                broken.append(futures[future])
                continue
            advance()
    with ThreadPoolExecutor(max_workers=jobs) as threads:
        for status in threads.map(lambda item: _grade_alone(*item, out, course, rubrics), broken):
            statuses.append(status)
            advance()
    return statuses


def _grade_alone(submission: Path, key: dict, out: Path, course: Course, rubrics: list[Rubric]) -> str:
    """Grade one submission in a pool process of its own; an error row if that process dies."""
    target = report_dir(out, submission)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        try:
            return pool.submit(grade_one, submission, target, key, course, rubrics).result()
        except BrokenProcessPool:
            message = "could not be graded: its grading process was killed (out of memory?)"
    _write_reports(_error_result(submission, message, tuple(r.exercise for r in rubrics)), target, key)
    return "error"


def grade_one(submission: Path, target: Path, key: dict, course: Course, rubrics: list[Rubric]) -> str:
    """Grade one submission in a pool process and write its reports; return its status."""
    from autograder.judge.grading import grade

    try:
        result = grade(submission, rubrics, course=course, identity=target.name,
                       notebook_cells=key.get("notebook_cells", "solution"))
    except Exception as error:  # one bad submission must never stop the batch
        result = _error_result(submission, f"could not be graded: {type(error).__name__}: {error}",
                               tuple(r.exercise for r in rubrics))
    result.submission = submission.name
    _write_reports(result, target, key)
    keep_code(submission, target, course, tuple(r.exercise for r in rubrics), key.get("notebook_cells", "solution"))
    return result.status


def keep_code(submission: Path, target: Path, course: Course, exercises: tuple[str, ...],
              notebook_cells: NotebookCells = "solution") -> None:
    """Copy the modules of ``exercises`` that ``submission`` was graded on into ``target/code/``.

    The submission is staged again (read, never run), so a notebook's module is the code that was
    graded. The folder appears whole or not at all: it is written as ``code.partial`` and renamed.
    A submission that cannot be staged keeps no code.
    """
    partial = target / f"{CODE_DIR}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with stage(submission, Rules(course.names, course.forbidden, notebook_cells)) as staged:
            partial.mkdir(parents=True)
            for exercise in exercises:
                module = staged.path / f"{exercise}.py"
                if module.is_file():
                    shutil.copyfile(module, partial / module.name)
    except (SubmissionError, OSError):
        shutil.rmtree(partial, ignore_errors=True)
        return
    shutil.rmtree(target / CODE_DIR, ignore_errors=True)
    partial.rename(target / CODE_DIR)


def _apply_late_policy(result: SubmissionResult, submission: Path, target: Path, course: Course,
                       submitted: dict[str, datetime], deadline: datetime | None) -> SubmissionResult:
    """``result`` with the lateness its submission time and ``deadline`` give; its reports rewritten if that changed."""
    if result.status == "error":
        return result
    identity = result.identity or submission_identity(submission)
    when = next((submitted[k] for k in (submission.name, target.name, identity) if k in submitted), None)
    if when is None and submission.is_dir():
        try:
            when = nbgrader_timestamp(submission)
        except LateError:
            when = None
    late = lateness(result.raw_score, when, deadline, course.late_policy) if when and deadline else None
    if late != result.late:
        result.late = late
        recorded = json.loads((target / "report.json").read_text())
        _write_reports(result, target, {k: recorded[k] for k in KEY_FIELDS if k in recorded})
    return result

def _write_reports(result: SubmissionResult, target: Path, key: dict) -> None:
    """Write a submission's ``feedback.html`` and ``report.json`` (recording ``key``) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    write_html(result, target / "feedback.html")
    report = dict(to_json_dict(result), **key)
    atomic_write_text(target / "report.json", json.dumps(report, indent=2, allow_nan=False) + "\n")


def _already_graded(report: Path, key: dict) -> bool:
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        return False
    return all(data.get(k) == v for k, v in key.items())


def _load(report: Path, submission: Path, exercises: tuple[str, ...]) -> SubmissionResult:
    try:
        return from_json_dict(json.loads(report.read_text()))
    except (OSError, ValueError, KeyError) as error:
        return _error_result(submission, f"its report could not be read: {error}", exercises)


def _error_result(submission: Path, message: str, exercises: tuple[str, ...]) -> SubmissionResult:
    return SubmissionResult(submission.name, [ExerciseResult(name, note=message) for name in exercises],
                            status="error")


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                    TimeElapsedColumn(), console=console, refresh_per_second=4)


class _RateColumn(ProgressColumn):
    """Submissions graded per minute so far (skipped ones do not count)."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        graded = task.completed - task.fields.get("skipped", 0)
        return Text(f"{graded / elapsed * 60:.0f}/min" if elapsed > 0 and graded else "-/min")
