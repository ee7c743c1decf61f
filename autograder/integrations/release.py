"""``autograder release OUT``: what students get, and nothing more.

The release holds the stubs (``exercises/``), one notebook per exercise (``notebooks/``), the
rubrics with their public cases only, the recorded public cases (``autograder_data/``), a copy of
the grader's code so that ``autograder check`` and ``pytest`` work there, a ``pyproject.toml``
(``pip install -e OUT`` gives the ``autograder`` command) and a README for students.

It never holds the reference, a hidden case, the misconception catalogue (near-solutions) or a
secret. The public cases' inputs and every expected value the checks need are recorded here, in
the trusted process, by grading the reference on the public cases through a
:class:`~autograder.replay.RecordingOracle`; the release answers from that recording.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import yaml

import autograder
from autograder.course.model import ALL, RELEASE_COURSE, Course, load_course
from autograder.course.rubric import load_rubric, load_rubrics
from autograder.integrations.notebooks import write_notebooks
from autograder.judge.grading import grade
from autograder.judge.replay import DATA_DIR, RecordingOracle

LEFT_OUT = ("__pycache__", "*.pyc")
INSTRUCTOR_ONLY = ("copydetect",)
"""Run-time dependencies of instructors' commands only (``similarity``): the release's ``check`` needs none."""
COURSE_HEADER = ("# Written by `autograder release`: the course's exercise files and plug-ins for `autograder check`;\n"
                 "# no reference, no catalogue, no hidden case.\n")

STUDENT_SECRET_MODULE = '''"""The student release holds no secret: only the instructors' grader draws hidden cases."""

DEFAULT_SECRET: bytes | None = None
'''

RUBRIC_HEADER = "# Written by `autograder release`: the public cases only; points are the public cases' share.\n"

PYPROJECT = '''[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "dl-autograder-student"
version = "{version}"
description = "The student release of the deep-learning layers exercises: stubs, notebooks, autograder check"
readme = "README.md"
requires-python = ">=3.10"
dependencies = [
{dependencies}
]

[project.scripts]
autograder = "autograder.cli:main"

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["course/schema/*.json", "reports/templates/*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''

STUDENT_README = """# Deep-learning layers: your exercises

You implement the core layers of CNNs and RNNs in numpy, forward and backward: {exercises}.

## Set up, once

```bash
python3 -m venv .venv && source .venv/bin/activate
pip install -e .          # gives the `autograder` command (and pytest)
```

## Work in files or in notebooks

- **Files:** fill in the functions of `exercises/<exercise>.py` marked `NotImplementedError`.
- **Notebooks:** open `notebooks/01_conv.ipynb` ... in Jupyter. Each explains its exercise, holds
  your code in its solution cell and ends with a self-check cell. Keep the notebooks' names.

The docstrings give every array's shape, the formulas and the conventions (they follow PyTorch's).
Use numpy and the standard library only.

## Check your work

```bash
autograder check              # grades exercises/ on the public cases, in a sandbox
autograder check notebooks/   # the same for your notebooks
pytest                        # the public cases as pytest tests: one test per criterion
```

Each failed criterion says what went wrong and in which kind of case. This release has the
public cases only: your instructors also grade hidden cases of the same kinds, with other values
and sizes, so make your code right in general, not just on these cases.
"""

PUBLIC_TESTS = '''"""The public cases as pytest tests: one test per rubric criterion (written by `autograder release`).

``exercises/`` is graded once, on the public cases, exactly as ``autograder check`` grades it;
each test fails with the message ``autograder check`` shows for its criterion.
"""

from pathlib import Path

import pytest

from autograder.integrations.selfcheck import check_folder, failure_message, public_criteria

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


@pytest.fixture(scope="session")
def result():
    return check_folder(EXERCISES)


@pytest.mark.parametrize("criterion", public_criteria())
def test_public_cases(result, criterion):
    message = failure_message(result, criterion)
    if message:
        pytest.fail(message, pytrace=False)
'''


class ReleaseError(RuntimeError):
    """The release cannot be built: the target is not empty, or the reference fails a public case."""


def build_release(out: Path, course: Course | None = None, assignment: str | None = None) -> Path:
    """Write the student release of ``assignment`` into ``out`` (a new or empty folder) and return it.

    Parameters
    ----------
    out : Path
    course : Course, optional
        Default: :func:`~autograder.course.model.load_course`.
    assignment : str, optional
        Default: the course's default assignment.

    Raises
    ------
    ReleaseError
        When ``out`` holds files, or the reference does not pass every public case.
    """
    out = Path(out)
    course = course or load_course()
    graded = course.assignment(assignment)
    included = tuple(e for e in course.names if e in graded or any(e in course.needs(g) for g in graded))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out}: expected a new or empty folder for the release, found existing files")
    out.mkdir(parents=True, exist_ok=True)
    (out / "exercises").mkdir()
    for name in ("__init__.py", *(f"{e}.py" for e in included)):
        shutil.copyfile(course.stubs_dir / name, out / "exercises" / name)
    write_notebooks(out / "notebooks", course, graded)
    write_public_rubrics(out / "rubrics", course, graded)
    write_course_data(out / RELEASE_COURSE, course, assignment or course.default_assignment, graded, included)
    record_public_cases(out / DATA_DIR, course, graded)
    copy_engine(out / "autograder")
    (out / "pyproject.toml").write_text(_pyproject())
    (out / "README.md").write_text(STUDENT_README.format(exercises=", ".join(graded)))
    (out / "tests").mkdir()
    (out / "tests" / "test_public.py").write_text(PUBLIC_TESTS)
    return out


def write_course_data(folder: Path, course: Course, assignment: str, graded: tuple[str, ...],
                      included: tuple[str, ...]) -> None:
    """The release's course: its exercise files and plug-ins, and a course file with the one assignment.

    Its rubrics are the public ones in ``OUT/rubrics`` and its stubs ``OUT/exercises``; it has no
    reference module and no catalogue.
    """
    (folder / "specs").mkdir(parents=True)
    (folder / "plugins").mkdir()
    for exercise in included:
        shutil.copyfile(course.reference_dir / f"{exercise}.yaml", folder / "specs" / f"{exercise}.yaml")
    for plugin in course.plugin_paths:
        shutil.copyfile(plugin, folder / "plugins" / plugin.name)
    data = {"title": course.title, "exercises": list(included),
            "assignments": {} if assignment == ALL else {assignment: list(graded)}, "default_assignment": assignment,
            "forbidden_modules": list(course.forbidden_modules),
            "plugins": [f"plugins/{plugin.name}" for plugin in course.plugin_paths],
            "paths": {"reference": "specs", "rubrics": "../../rubrics", "stubs": "../../exercises",
                      "misconceptions": "no-catalogue", "correct": "no-correct-modules"}}
    (folder / "course.yaml").write_text(COURSE_HEADER + yaml.safe_dump(data, sort_keys=False, width=110))


def public_rubric(data: dict) -> dict:
    """A rubric's data with only its public cases, each criterion's points scaled to their share.

    A criterion with no public case is left out, and so is any criterion that requires a left-out
    one: ``autograder check`` could never credit it.
    """
    kept = {}
    for criterion in data["criteria"]:
        public, hidden = criterion["cases"].get("public", []), criterion["cases"].get("hidden", [])
        if public:
            points = criterion["points"] * len(public) / (len(public) + len(hidden))
            kept[criterion["id"]] = dict(criterion, points=points, cases={"public": public})
    while blocked := [key for key, criterion in kept.items() if set(criterion.get("requires", ())) - set(kept)]:
        for key in blocked:
            del kept[key]
    return dict(data, criteria=list(kept.values()))


def write_public_rubrics(folder: Path, course: Course, exercises: tuple[str, ...]) -> None:
    """Write the rubrics of ``exercises`` with their public cases only into ``folder``, and check that each loads."""
    folder.mkdir(parents=True)
    for exercise in exercises:
        data = public_rubric(yaml.safe_load((course.rubrics_dir / f"{exercise}.yaml").read_text()))
        path = folder / f"{exercise}.yaml"
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
        path.write_text(RUBRIC_HEADER + text)
        load_rubric(path, course)


def record_public_cases(folder: Path, course: Course, exercises: tuple[str, ...]) -> None:
    """Grade the reference on the public cases and save their inputs and expected values into ``folder``.

    Raises
    ------
    ReleaseError
        When the reference does not pass every public case (a recording of it would be wrong).
    """
    oracle = RecordingOracle(course)
    result = grade(course.reference_dir, course=course, rubrics=load_rubrics(course, exercises), mode="check",
                   identity="release", oracle=oracle)
    failed = [entry.id for exercise in result.exercises for entry in exercise.criteria if not entry.passed]
    if failed:
        raise ReleaseError(f"the reference fails the public cases of {', '.join(failed)}; expected full marks "
                           f"(run `autograder validate`)")
    oracle.recording.save(folder)


def copy_engine(target: Path) -> None:
    """Copy the grader's package to ``target`` with no secret.

    The course's catalogue (near-solutions) and reference modules live outside the package and stay
    out of the release, so nothing is diagnosed there.
    """
    package = Path(autograder.__file__).parent
    shutil.copytree(package, target, ignore=shutil.ignore_patterns(*LEFT_OUT))
    (target / "judge" / "secret.py").write_text(STUDENT_SECRET_MODULE)


def _pyproject() -> str:
    """The release's ``pyproject.toml``: the grader's own run-time dependencies (not the instructors'), and pytest."""
    requirements = [r for r in importlib.metadata.requires("dl-autograder") or []
                    if "extra ==" not in r and not r.startswith(INSTRUCTOR_ONLY)]
    listed = "\n".join(f'    "{requirement}",' for requirement in [*requirements, "pytest>=7"])
    return PYPROJECT.format(version=autograder.__version__, dependencies=listed)
