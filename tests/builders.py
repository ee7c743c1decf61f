"""Builders shared by the project's tests: one way to make a submission."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.course import EXERCISES, REFERENCE_DIR

CORPUS = Path(__file__).parent / "corpus"


def build_submission(folder: Path, replace: dict[str, Path | str] | None = None,
                     omit: tuple[str, ...] = ()) -> Path:
    """A submission folder made of the reference modules, with some replaced or left out.

    Parameters
    ----------
    folder : Path
        Where to create the submission (it is created).
    replace : dict, optional
        Exercise name -> a module file, or the module's source text, to use instead of the reference.
    omit : tuple of str
        Exercises whose module is left out.
    """
    folder.mkdir(parents=True, exist_ok=True)
    replace = replace or {}
    for exercise in EXERCISES:
        if exercise in omit:
            continue
        target = folder / f"{exercise}.py"
        source = replace.get(exercise)
        if source is None:
            shutil.copyfile(REFERENCE_DIR / f"{exercise}.py", target)
        elif isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_text(source)
    return folder
