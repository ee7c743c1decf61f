"""Builders shared by the project's tests: the built-in course, and one way to make a submission (a folder or a notebook)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.course import catalogue
from autograder.course.model import ENGINE_ROOT, load_course
from autograder.integrations.notebooks import exercise_notebook
from autograder.judge.mutation import build_submission  # the one submission builder, also `autograder validate`'s

COURSE = load_course()
"""The built-in course."""
ROOT = ENGINE_ROOT
REFERENCE_DIR, STUBS_DIR, RUBRICS_DIR = COURSE.reference_dir, COURSE.stubs_dir, COURSE.rubrics_dir
EXERCISES = COURSE.assignment()
"""The exercises of the default assignment, in course order."""
FUNCTIONS = {spec.name: spec for exercise in COURSE.exercises for spec in exercise.functions}
"""Every graded function's spec (with its backward), keyed by the function's name."""
CORPUS = Path(__file__).parent / "corpus"
EXAMPLE_COURSE = ROOT / "examples" / "course"
"""An instructor's own course: an affine layer and a ReLU, quick to grade."""

__all__ = ["COURSE", "CORPUS", "EXAMPLE_COURSE", "EXERCISES", "FUNCTIONS", "REFERENCE_DIR", "ROOT", "RUBRICS_DIR", "STUBS_DIR", "build_notebook",
           "build_submission", "on_reference"]


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
