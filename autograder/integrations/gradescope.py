"""``autograder gradescope ZIP``: a Gradescope autograder that grades with this grader, in its sandbox.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once when it builds the
autograder's image, then ``run_autograder`` for every submission (see
:mod:`autograder.integrations.gradescope_run`). The zip holds the two scripts, the grader's package, the
references, the rubrics, the stubs, ``pyproject.toml`` and the secret that seeds hidden cases:
the instructor's (``AUTOGRADER_SECRET`` or ``AUTOGRADER_SECRET_FILE``) when set, else a fresh random
one, never the built-in default.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from pathlib import Path

from autograder.course.model import ENGINE_ROOT, Course, load_course
from autograder.judge.cases import load_secret

SECRET_FILE = "secret.key"
ENGINE = ("pyproject.toml", "README.md", "autograder")
"""What the bundle copies of the grader itself: enough for ``pip install``."""
COURSE_DIR = "course"
"""Where the bundle keeps the course it grades (its course file, reference, rubrics, catalogue, plug-ins)."""
ASSIGNMENT_FILE = "assignment.txt"
"""The bundle's assignment, the one its ``run_autograder`` grades."""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu base image).
set -euo pipefail
cd "$(dirname "$0")"
apt-get update -qq
apt-get install -y -qq python3 python3-pip >/dev/null
apt-get install -y -qq bubblewrap >/dev/null \\
  || echo "bubblewrap is not available: submissions will run with resource limits only, not sandboxed"
python3 -m pip install --quiet -e . || python3 -m pip install --quiet --break-system-packages -e .
# What isolation this image gives the sandbox, and how to fix what is missing (see the build log).
python3 -m autograder doctor \
  || echo "autograder doctor: the sandbox cannot be used in this image; submissions will run NOT sandboxed"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json. AUTOGRADER_ROOT replaces /autograder (to try the bundle on a
# fake layout) and AUTOGRADER_PYTHON the Python that runs the grader.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
export PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}"
export AUTOGRADER_COURSE="$ROOT/source/course"
exec "${AUTOGRADER_PYTHON:-python3}" -m autograder.integrations.gradescope_run "$ROOT"
"""


def build_bundle(path: Path, course: Course | None = None, assignment: str | None = None,
                 project: Path = ENGINE_ROOT) -> Path:
    """Write the Gradescope autograder zip of ``assignment`` to ``path`` and return it.

    Parameters
    ----------
    path : Path
        The ``.zip`` to write (replaced if it exists).
    course : Course, optional
        The course to grade (default: :func:`~autograder.course.model.load_course`); it goes into
        the bundle's ``course/``.
    assignment : str, optional
        The assignment every submission is graded on; default: the course's default assignment.
    project : Path
        The project whose grader goes into the bundle.
    """
    course = course or load_course()
    assignment = assignment or course.default_assignment
    course.assignment(assignment)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        _add_text(bundle, "setup.sh", SETUP_SH, executable=True)
        _add_text(bundle, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add_text(bundle, SECRET_FILE, bundle_secret().decode())
        _add_text(bundle, ASSIGNMENT_FILE, assignment + "\n")
        for name in ENGINE:
            for file in _files(project / name):
                bundle.write(file, file.relative_to(project).as_posix())
        for file in course_files(course):
            bundle.write(file, f"{COURSE_DIR}/{file.relative_to(course.root).as_posix()}")
    return path


def course_files(course: Course) -> list[Path]:
    """The files of a course that grading needs: course file, reference, rubrics, catalogue, plug-ins, stubs."""
    folders = [course.reference_dir, course.rubrics_dir, course.catalogue_dir, course.stubs_dir]
    files = [course.root / "course.yaml", *course.plugin_paths]
    for folder in folders:
        files += _files(folder) if folder.is_dir() else []
    return list(dict.fromkeys(files))


def bundle_secret() -> bytes:
    """The instructor's secret when one is set, else a new random one (never the built-in default)."""
    if os.environ.get("AUTOGRADER_SECRET") or os.environ.get("AUTOGRADER_SECRET_FILE"):
        return load_secret().value
    return secrets.token_hex(32).encode()


def _files(path: Path) -> list[Path]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [f for f in files if "__pycache__" not in f.parts and f.suffix != ".pyc"]


def _add_text(bundle: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)
