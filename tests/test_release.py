"""The student release: stubs, notebooks, public cases and a working checker, and never a secret.

The release's own grader runs here as a student runs it: in a separate Python that sees the
release and the third-party packages but not this checkout (``-I -S``, site-packages added
without running its ``.pth`` files, which is how the editable install would map ``reference``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from builders import COURSE, EXERCISES, REFERENCE_DIR, RUBRICS_DIR, STUBS_DIR
from autograder.judge.grading import grade
from autograder.judge.replay import NotRecorded, ReplayOracle
from autograder.reports.json_report import to_json_dict
from autograder.integrations.release import ReleaseError, build_release, public_rubric
from autograder.course.rubric import load_rubrics
from autograder.judge.secret import DEFAULT_SECRET
from autograder.sandbox.staging import notebook_exercise

TEST_SECRET = "release-test-secret-7d41c0"
SITE_PACKAGES = sysconfig.get_paths()["purelib"]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUTOGRADER_SECRET", TEST_SECRET)
        build_release(out)
    return out


def in_release(release: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a Python whose only grader is the release's."""
    boot = f"import sys; sys.path[:0] = [{str(release)!r}]; sys.path.append({SITE_PACKAGES!r})\n"
    return subprocess.run([sys.executable, "-I", "-S", "-c", boot + code], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def release_cli(release: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return in_release(release, f"from autograder.cli import main; sys.exit(main({list(args)!r}))", cwd or release)


def solution_lines() -> set[str]:
    """Distinctive lines of the references' solution regions that the stubs do not show anyway."""
    stubs = "".join(path.read_text() for path in STUBS_DIR.glob("*.py"))
    found = set()
    for path in REFERENCE_DIR.glob("*.py"):
        regions = re.findall(r"# BEGIN SOLUTION.*?\n(.*?)# END SOLUTION", path.read_text(), re.DOTALL)
        found |= {line.strip() for region in regions for line in region.splitlines()}
    return {line for line in found if len(line) >= 30 and not line.startswith("#") and line not in stubs}


def hidden_labels(exercises: tuple[str, ...] = EXERCISES) -> set[str]:
    """Labels of the exercises' hidden cases that no stub, no exercise file (the features it names are public
    vocabulary) and nothing ``autograder check`` shows contains."""
    public_text = "".join(path.read_text() for path in STUBS_DIR.glob("*.py"))
    public_text += "".join((REFERENCE_DIR / f"{exercise}.yaml").read_text() for exercise in exercises)
    hidden = set()
    for path in (RUBRICS_DIR / f"{exercise}.yaml" for exercise in exercises):
        for criterion in yaml.safe_load(path.read_text())["criteria"]:
            shown = [case["label"] for case in criterion["cases"].get("public", [])]
            public_text += "\n".join([*shown, criterion["description"], criterion.get("hint", "")])
            hidden |= {case["label"] for case in criterion["cases"].get("hidden", [])}
    return {label for label in hidden if label not in public_text}


def file_contents(folder: Path):
    """(path, bytes) of every file under ``folder``, and of every member of the zips among them (``.npz``)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield path / member, archive.read(member)


def test_the_release_has_stubs_notebooks_public_rubrics_recorded_cases_and_a_checker(release):
    names = {p.name for p in release.iterdir()}
    assert names == {"exercises", "notebooks", "rubrics", "autograder_data", "autograder", "tests", "README.md",
                     "pyproject.toml"}
    for exercise in EXERCISES:
        assert (release / "exercises" / f"{exercise}.py").read_text() == (STUBS_DIR / f"{exercise}.py").read_text()
    assert sorted(notebook_exercise(p) for p in (release / "notebooks").glob("*.ipynb")) == sorted(EXERCISES)
    for rubric in (release / "rubrics").glob("*.yaml"):
        assert all("hidden" not in c["cases"] for c in yaml.safe_load(rubric.read_text())["criteria"])
    assert not (release / "reference").exists()
    assert not list(release.rglob("misconceptions")) and not list(release.rglob("*.yaml.bug"))
    assert "autograder check" in (release / "README.md").read_text()


def test_no_file_of_the_release_holds_solution_code_a_hidden_label_or_a_secret(release):
    lines, labels = solution_lines(), hidden_labels()
    assert len(lines) > 100 and len(labels) > 50, "the scan must look for something"
    needles = {**{line: "reference solution code" for line in lines}, **{label: "a hidden case's label" for label
                                                                          in labels},
               DEFAULT_SECRET.decode(): "the default secret", TEST_SECRET: "the AUTOGRADER_SECRET"}
    found = [(str(path.relative_to(release)), what, needle) for path, data in file_contents(release)
             for needle, what in needles.items() if needle.encode() in data]
    assert found == []


def test_check_in_the_release_runs_without_the_reference_and_stubs_score_zero(release):
    probe = in_release(release, "import importlib.util, autograder\n"
                                "print(importlib.util.find_spec('reference'), autograder.__file__)", release)
    assert probe.stdout.split() == ["None", str(release / "autograder" / "__init__.py")], probe.stderr
    done = release_cli(release, "check", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == 0 and report["max_score"] > 0
    for exercise in report["exercises"]:
        assert "not implemented" in " ".join(c["message"] for c in exercise["criteria"]), exercise["name"]


def test_a_correct_solution_gets_full_public_marks_in_the_release_exactly_as_in_the_instructors_check(release,
                                                                                                    tmp_path):
    student = shutil.copytree(release, tmp_path / "student")
    for exercise in EXERCISES:
        shutil.copyfile(REFERENCE_DIR / f"{exercise}.py", student / "exercises" / f"{exercise}.py")
    done = release_cli(student, "check", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] > 0
    ours = grade(REFERENCE_DIR, mode="check")
    entries = lambda exercises: [(e["name"], c["id"], c["score"], c["message"]) for e in exercises
                                 for c in e["criteria"]]
    assert entries(report["exercises"]) == entries(to_json_dict(ours)["exercises"])


def test_pytest_in_the_release_runs_one_test_per_public_criterion_with_the_checks_messages(release):
    done = in_release(release, "import pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', "
                               "'-p', 'no:xdist', '-p', 'no:randomly']))", release)
    criteria = [c for rubric in load_rubrics(exercises=EXERCISES) for c in rubric.criteria if c.public]
    assert f"{len(criteria)} failed" in done.stdout, done.stdout[-3000:] + done.stderr[-3000:]
    for criterion in criteria:
        assert f"test_public_cases[{criterion.id}]" in done.stdout
    stub_check = grade(STUBS_DIR, load_rubrics(exercises=("conv",)), mode="check")
    assert stub_check.exercise("conv").criteria[0].message.splitlines()[-1] in done.stdout


def test_instructor_commands_refuse_politely_in_the_release(release):
    for args in (("grade", "exercises"), ("validate",), ("release", "elsewhere")):
        done = release_cli(release, *args)
        assert done.returncode == 2 and "student release" in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_public_rubric_keeps_public_cases_scales_points_and_drops_what_check_cannot_credit():
    data = {"exercise": "conv", "version": 1, "criteria": [
        {"id": "conv.a", "points": 10, "cases": {"public": [{"label": "p"}], "hidden": [{"label": "h"}] * 4}},
        {"id": "conv.b", "points": 3, "cases": {"hidden": [{"label": "h"}]}},
        {"id": "conv.c", "points": 2, "requires": ["conv.b"], "cases": {"public": [{"label": "p"}]}},
    ]}
    criteria = public_rubric(data)["criteria"]
    assert [c["id"] for c in criteria] == ["conv.a"]
    assert criteria[0]["points"] == 2 and criteria[0]["cases"] == {"public": [{"label": "p"}]}


def test_a_value_that_was_not_recorded_is_refused_with_a_clear_message():
    oracle = ReplayOracle({"format": 1, "arrays": 0, "inputs": {}, "results": {}}, [])
    with pytest.raises(NotRecorded, match="was not recorded in this student release"):
        oracle.call(COURSE.function("conv2d_forward"), [1.0])


def test_a_release_is_never_written_over_existing_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="expected a new or empty folder"):
        build_release(tmp_path)
