"""``autograder batch DIR --out OUT``: grade a whole class, in parallel, resumably.

Every entry of DIR (a folder, a ``.zip`` or a ``.ipynb``) is one submission, graded in its own
process of a pool (default: one per core), each with its own sandboxed worker. For each one,
``OUT/submissions/<name>/`` receives ``report.json`` and ``feedback.html``; at the end
``OUT/gradebook.csv`` has a row per submission. Every file is written atomically, and a
report records the submission's content hash and the rubrics' version: a rerun (after a crash,
``kill -9``, or new submissions) skips what is already graded and unchanged. A submission that
cannot be graded gets a zero row with status ``error``; it never stops the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from autograder.course.model import Course, load_course
from autograder.course.rubric import Rubric, load_rubrics
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import write_gradebook
from autograder.reports.html import write_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.results import ExerciseResult, SubmissionResult
from autograder.sandbox.staging import NotebookCells

SUBMISSION_SUFFIXES = (".zip", ".ipynb")


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
    files = sorted(_tree(path)) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode() + b"\0")
        mode = file.lstat().st_mode if file != path else file.stat().st_mode
        if stat.S_ISLNK(mode):
            digest.update(b"symlink to " + os.fsencode(os.readlink(file)) + b"\0")
        elif stat.S_ISREG(mode):
            digest.update(file.read_bytes())
    return digest.hexdigest()[:24]


def _tree(folder: Path) -> list[Path]:
    """Everything below ``folder``, walked without recursion (a submission may nest folders a thousand deep) and
    never through a symlink."""
    found, todo = [], [folder]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                found.append(Path(entry.path))
                if entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
    return found


def report_dir(out: Path, submission: Path) -> Path:
    name = submission.name[: -len(submission.suffix)] if submission.suffix in SUBMISSION_SUFFIXES else submission.name
    return out / "submissions" / name


def run_batch(directory: Path, out: Path, jobs: int | None = None, console: Console | None = None,
              notebook_cells: NotebookCells = "solution", course: Course | None = None,
              assignment: str | None = None) -> BatchSummary:
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
        else:
            todo.append((submission, key))
    jobs = jobs or os.cpu_count() or 1
    with _progress(console) as progress:
        task = progress.add_task("grading", total=len(submissions), completed=skipped, skipped=skipped)
        for submission, message in unreadable:
            _write_reports(_error_result(submission, message, exercises), report_dir(out, submission), {})
            progress.advance(task)
        statuses = _grade_in_pool(todo, out, course, rubrics, jobs, lambda: progress.advance(task))
    results = [_load(report_dir(out, s) / "report.json", s, exercises) for s in submissions]
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
    return result.status


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
