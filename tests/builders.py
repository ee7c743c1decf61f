"""Builders shared by the project's tests: the built-in course, and one way to make a submission (a folder or a notebook)."""

from __future__ import annotations

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
PAYLOADS = Path(__file__).parent / "payloads"
"""Hostile and faulty modules, as files."""

__all__ = ["COURSE", "CORPUS", "PAYLOADS", "EXERCISES", "FUNCTIONS", "REFERENCE_DIR", "ROOT", "RUBRICS_DIR", "STUBS_DIR",
           "UNCATALOGUED", "IMPRECISE", "build_notebook", "build_submission", "graded_bug", "graded_correct", "graded_imprecise", "graded_uncatalogued",
           "on_reference"]


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
                   notebook: Path | None = None) -> Path:
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
    """
    if notebook is None:
        filled = exercise_notebook(exercise, (STUBS_DIR / f"{exercise}.py").read_text(), COURSE)
    else:
        filled = nbformat.read(notebook, as_version=4)
    solution = next(cell for cell in filled.cells if cell.metadata.get("nbgrader", {}).get("solution"))
    solution.source = (REFERENCE_DIR / f"{exercise}.py").read_text() if source is None else source
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
