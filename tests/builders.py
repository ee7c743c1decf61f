"""Builders shared by the project's tests: one way to make a submission (a folder or a notebook)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.course import REFERENCE_DIR, STUBS_DIR
from autograder.misconceptions import on_reference  # reference + overrides, as the catalogue's bugs are built
from autograder.mutation import build_submission  # the one submission builder, also `autograder validate`'s
from autograder.notebooks import exercise_notebook

CORPUS = Path(__file__).parent / "corpus"

__all__ = ["CORPUS", "build_notebook", "build_submission", "on_reference"]


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
        filled = exercise_notebook(exercise, (STUBS_DIR / f"{exercise}.py").read_text())
    else:
        filled = nbformat.read(notebook, as_version=4)
    solution = next(cell for cell in filled.cells if cell.metadata.get("nbgrader", {}).get("solution"))
    solution.source = (REFERENCE_DIR / f"{exercise}.py").read_text() if source is None else source
    after = filled.cells.index(solution) + 1
    filled.cells[after:after] = [nbformat.v4.new_code_cell(code) for code in extra_cells]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(filled, target)
    return target
