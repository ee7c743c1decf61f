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
from autograder.course import EXERCISES, REFERENCE_DIR, RUBRICS_DIR, STUBS_DIR
from autograder.grading import grade
from autograder.notebooks import write_notebooks
from autograder.replay import DATA_DIR, RecordingOracle
from autograder.rubric import load_rubric, load_rubrics

LEFT_OUT = ("__pycache__", "*.pyc")
CATALOGUE = "misconceptions"
"""The grader's sub-package whose bug modules are near-solutions: the release keeps only its code."""

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
autograder = ["schema/*.json", "templates/*"]

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

The docstrings say the shapes, the formulas and the conventions (they follow PyTorch's). Use
numpy and the standard library only.

## Check your work

```bash
autograder check              # grades exercises/ on the public cases, in a sandbox
autograder check notebooks/   # the same for your notebooks
pytest                        # the public cases as pytest tests: one test per criterion
```

Each failed criterion says what went wrong and in which kind of case. This release has the
public cases only: your instructors also grade hidden cases of the same kinds, with other values
and shapes, so make your code right in general, not just on these cases.
"""

PUBLIC_TESTS = '''"""The public cases as pytest tests: one test per rubric criterion (written by `autograder release`).

``exercises/`` is graded once, on the public cases, exactly as ``autograder check`` grades it;
each test fails with the message ``autograder check`` shows for its criterion.
"""

from pathlib import Path

import pytest

from autograder.selfcheck import check_folder, failure_message, public_criteria

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


def build_release(out: Path) -> Path:
    """Write the student release into ``out`` (a new or empty folder) and return it.

    Raises
    ------
    ReleaseError
        When ``out`` holds files, or the reference does not pass every public case.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out}: expected a new or empty folder for the release, found existing files")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(STUBS_DIR, out / "exercises", ignore=shutil.ignore_patterns(*LEFT_OUT))
    write_notebooks(out / "notebooks")
    write_public_rubrics(out / "rubrics")
    record_public_cases(out / DATA_DIR)
    copy_engine(out / "autograder")
    (out / "pyproject.toml").write_text(_pyproject())
    (out / "README.md").write_text(STUDENT_README.format(exercises=", ".join(EXERCISES)))
    (out / "tests").mkdir()
    (out / "tests" / "test_public.py").write_text(PUBLIC_TESTS)
    return out


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


def write_public_rubrics(folder: Path) -> None:
    """Write every rubric with its public cases only into ``folder``, and check that each one loads."""
    folder.mkdir(parents=True)
    for exercise in EXERCISES:
        data = public_rubric(yaml.safe_load((RUBRICS_DIR / f"{exercise}.yaml").read_text()))
        path = folder / f"{exercise}.yaml"
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
        path.write_text(RUBRIC_HEADER + text)
        load_rubric(path)


def record_public_cases(folder: Path) -> None:
    """Grade the reference on the public cases and save their inputs and expected values into ``folder``.

    Raises
    ------
    ReleaseError
        When the reference does not pass every public case (a recording of it would be wrong).
    """
    oracle = RecordingOracle()
    result = grade(REFERENCE_DIR, load_rubrics(), mode="check", identity="release", oracle=oracle)
    failed = [entry.id for exercise in result.exercises for entry in exercise.criteria if not entry.passed]
    if failed:
        raise ReleaseError(f"the reference fails the public cases of {', '.join(failed)}; expected full marks "
                           f"(run `autograder validate`)")
    oracle.recording.save(folder)


def copy_engine(target: Path) -> None:
    """Copy the grader's package to ``target`` with no secret and no misconception catalogue.

    The catalogue's bug modules are near-solutions; without the catalogue files, the copied
    ``misconceptions`` package finds no catalogue, so nothing is diagnosed in the release.
    """
    package = Path(autograder.__file__).parent
    bytecode = shutil.ignore_patterns(*LEFT_OUT)

    def ignored(directory: str, names: list[str]) -> set[str]:
        if Path(directory) == package / CATALOGUE:
            return {name for name in names if name != "__init__.py"}
        return bytecode(directory, names)

    shutil.copytree(package, target, ignore=ignored)
    (target / "secret.py").write_text(STUDENT_SECRET_MODULE)


def _pyproject() -> str:
    """The release's ``pyproject.toml``: the grader's own run-time dependencies, and pytest."""
    requirements = [r for r in importlib.metadata.requires("dl-autograder") or [] if "extra ==" not in r]
    listed = "\n".join(f'    "{requirement}",' for requirement in [*requirements, "pytest>=7"])
    return PYPROJECT.format(version=autograder.__version__, dependencies=listed)
