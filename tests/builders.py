"""Builders shared by the project's tests: the built-in course, and one way to make a submission (a folder or a notebook)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from autograder.course import catalogue
from autograder.course.model import ENGINE_ROOT, load_course
from autograder.integrations.notebooks import exercise_notebook
from autograder.judge.mutation import build_submission, grade_bug, grade_replacing  # also validate's
from autograder.results import SubmissionResult

import heldout
from heldout import UNCATALOGUED

COURSE = load_course()
"""The built-in course."""
ROOT = ENGINE_ROOT
REFERENCE_DIR, STUBS_DIR, RUBRICS_DIR = COURSE.reference_dir, COURSE.stubs_dir, COURSE.rubrics_dir
EXERCISES = COURSE.assignment()
"""The exercises of the default assignment, in course order."""
FUNCTIONS = {spec.name: spec for exercise in COURSE.exercises for spec in exercise.functions}
"""Every graded function's spec (with its backward), keyed by the function's name."""
CORPUS = Path(__file__).parent / "corpus"
IMPRECISE = CORPUS / "imprecise"
"""Correct submissions that compute in low precision (``<exercise>/<name>.py``, in the catalogue's form): full marks, with a remark."""
EXAMPLE_COURSE = ROOT / "examples" / "course"
"""An instructor's own course: an affine layer and a ReLU, quick to grade."""
PAYLOADS = Path(__file__).parent / "payloads"
"""Hostile and faulty modules, as files."""

BROKEN_CONV = "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return x, None\n"
"""A conv module whose forward is wrong (conv scores zero, the rest of a submission full marks)."""

__all__ = ["BROKEN_CONV", "COURSE", "CORPUS", "EXAMPLE_COURSE", "EXERCISES", "FUNCTIONS", "IMPRECISE", "PAYLOADS", "REFERENCE_DIR", "ROOT",
           "RUBRICS_DIR", "STUBS_DIR", "UNCATALOGUED", "build_class", "build_notebook", "build_submission", "dask_cluster",
           "graded_bug", "graded_correct", "graded_imprecise", "graded_uncatalogued", "on_reference", "read_gradebook"]


@lru_cache(maxsize=None)
def graded_bug(bug) -> SubmissionResult:
    """The reference with a catalogued bug in its exercise, graded once per test process on the affected rubrics
    (the tests that look at one bug's grade share it; ``xdist_group`` keeps them on one process)."""
    return grade_bug(bug, COURSE)


@lru_cache(maxsize=None)
def graded_correct(module: Path) -> SubmissionResult:
    """The reference with another correct module of ``tests/corpus/correct/<exercise>/`` in its exercise, graded once
    per test process on the affected rubrics (shared like :func:`graded_bug`)."""
    return grade_replacing(module.parent.name, module, COURSE)


def graded_uncatalogued(name: str) -> SubmissionResult:
    """The reference with the uncatalogued bug ``<exercise>/<bug>`` of ``tests/corpus/uncatalogued/`` in its exercise,
    graded once per test process (:func:`heldout.graded`)."""
    exercise, bug = name.split("/")
    return heldout.graded(heldout.HeldOutBug(exercise, UNCATALOGUED / exercise / f"{bug}.py"))


def on_reference(exercise: str, code: str) -> str:
    """The reference module of ``exercise`` with ``code`` after it, whose definitions replace the reference's
    (how the catalogue's bugs are built)."""
    return catalogue.on_reference(REFERENCE_DIR / f"{exercise}.py", code)


def build_notebook(target: Path, exercise: str, source: str | None = None, extra_cells: tuple[str, ...] = (),
                   notebook: Path | None = None, course=COURSE) -> Path:
    """A notebook submission: an exercise's notebook with its solution cell filled in, as a student does.

    Parameters
    ----------
    target : Path
        The notebook file to write (its folder is created).
    exercise : str
        The exercise whose notebook it is.
    source : str, optional
        The code of the solution cell; default: the reference module (a correct solution).
    extra_cells : tuple of str
        Code cells added right after the solution cell, not marked as solution cells (scratch work).
    notebook : Path, optional
        The notebook to fill in (for example the one nbgrader released); default: the notebook
        ``autograder release`` writes for the exercise.
    course : Course, optional
        The exercise's course (default: the built-in one).
    """
    if notebook is None:
        filled = exercise_notebook(exercise, (course.stubs_dir / f"{exercise}.py").read_text(), course)
    else:
        filled = nbformat.read(notebook, as_version=4)
    solution = next(cell for cell in filled.cells if cell.metadata.get("nbgrader", {}).get("solution"))
    solution.source = (course.reference_dir / f"{exercise}.py").read_text() if source is None else source
    after = filled.cells.index(solution) + 1
    filled.cells[after:after] = [nbformat.v4.new_code_cell(code) for code in extra_cells]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(filled, target)
    return target


@lru_cache(maxsize=None)
def graded_imprecise(name: str) -> SubmissionResult:
    """The reference with ``tests/corpus/imprecise/<exercise>/<name>.py`` in its exercise, graded once per test
    process as an uncatalogued bug is (:func:`heldout.graded`)."""
    exercise, module = name.split("/")
    return heldout.graded(heldout.HeldOutBug(exercise, IMPRECISE / exercise / f"{module}.py"))


def build_class(root: Path, students: int = 3) -> Path:
    """A class folder: ``students`` correct folders, one zip, one submission with a bug, one unreadable zip."""
    root.mkdir()
    for k in range(students):
        build_submission(root / f"student{k}")
    build_submission(root / "buggy", {"conv": BROKEN_CONV})
    with zipfile.ZipFile(root / "zipped.zip", "w") as archive:
        for file in (root / "student0").iterdir():
            archive.write(file, f"zipped/{file.name}")
    (root / "garbage.zip").write_bytes(b"this is not a zip file")
    return root


def read_gradebook(out: Path) -> dict[str, dict]:
    """The rows of a batch's gradebook, by submission."""
    with open(out / "gradebook.csv", newline="") as file:
        return {row["submission"]: row for row in csv.DictReader(file)}


@dataclass
class DaskProcesses:
    """A Dask scheduler and its workers, real processes on 127.0.0.1 (each the leader of its process group)."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2, timeout: float = 180):
    """``dask scheduler`` and ``workers`` times ``dask worker --preload autograder.integrations.cluster``
    (one single-threaded worker process each, under its nanny), stopped on exit; logs in ``folder``."""
    from distributed import Client

    from autograder.integrations.cluster import PRELOAD, resource_name

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    started: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = open(folder / f"{name}.log", "wb")
        started.append(subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True))
        return started[-1]

    try:
        scheduler = start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                          "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + timeout
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        crew = [start(f"worker{k}", "worker", address, "--preload", PRELOAD, "--nthreads", "1", "--nworkers", "1",
                      "--host", "127.0.0.1", "--no-dashboard", "--name", f"worker{k}") for k in range(workers)]
        with Client(address, timeout=timeout, set_as_default=False) as client:
            while time.monotonic() < deadline:
                offered = [w for w in client.scheduler_info(n_workers=-1)["workers"].values()
                           if w.get("resources", {}).get(resource_name())]
                if len(offered) >= workers:
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"the Dask workers did not start within {timeout} s; see {folder}/worker*.log")
        yield DaskProcesses(address, scheduler, crew)
    finally:
        for process in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
