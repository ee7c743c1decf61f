"""nbgrader, for real: a course made with nbgrader, graded by `autograder nbgrader`, exported by nbgrader."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402

from autograder.cases import Secret, build_inputs  # noqa: E402
from autograder.grading import make_cases  # noqa: E402
from autograder.notebooks import notebook_name, write_notebooks  # noqa: E402
from autograder.rubric import load_rubrics  # noqa: E402

from builders import build_notebook  # noqa: E402
from test_release import hidden_labels  # noqa: E402

ASSIGNMENT = "ps1"
EXERCISES = ("conv", "pooling")
SECRET = "nbgrader-test-secret"
LEAKY_CONV = '''
import numpy as np
def conv2d_forward(x, w, b, stride=1, pad=0):
    print("x starts", repr(x.ravel()[:4].tolist()))
    raise ValueError("cannot handle x = " + repr(x.ravel()[:4].tolist()))
def conv2d_backward(dout, cache):
    raise RuntimeError(repr(dout.ravel()[:4].tolist()))
'''


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A command of this environment, with its ``bin`` first on PATH (nbgrader runs ``alembic`` from there)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PATH=path, AUTOGRADER_SECRET=SECRET))
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done


def hidden_numbers(identity: str) -> set[str]:
    """How a hidden input of ``identity``'s conv cases would print (the leaky code prints them)."""
    numbers = set()
    for criterion in load_rubrics(exercises=("conv",))[0].criteria:
        for case in make_cases(criterion, "hidden", Secret(SECRET.encode(), "test"), identity):
            for arg in build_inputs(criterion.layer.forward, case.params, case.rng("inputs")):
                if isinstance(arg, np.ndarray) and arg.size:
                    numbers |= {repr(float(v)) for v in arg.ravel()[:4]}
    return {n for n in numbers if len(n.strip("-0.")) >= 4}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """An nbgrader course whose assignment holds our notebooks, released and submitted by three students."""
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "dl-layers"\n')
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in write_notebooks(course / "all-notebooks"):
        if path.stem.split("_", 1)[1] in EXERCISES:
            path.rename(source / path.name)
    run("nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
    released = course / "release" / ASSIGNMENT
    for student, code in (("alice", None), ("bob", "stub"), ("eve", LEAKY_CONV)):
        for exercise in EXERCISES:
            name = notebook_name(exercise)
            target = course / "submitted" / student / ASSIGNMENT / name
            if code == "stub":
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((released / name).read_bytes())
            else:
                build_notebook(target, exercise, code if exercise == "conv" else None, notebook=released / name)
    (course / "submitted" / "alice" / ASSIGNMENT / "timestamp.txt").write_text("2025-01-15 10:00:00.000000 UTC")
    run("autograder", "nbgrader", str(course), ASSIGNMENT, cwd=course)
    run("nbgrader", "export", "--to", "grades.csv", cwd=course)
    return course


def test_nbgrader_releases_our_notebooks_with_the_stub_in_the_solution_cell(course):
    notebook = nbformat.read(course / "release" / ASSIGNMENT / "01_conv.ipynb", as_version=4)
    solution = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "def conv2d_forward(" in solution.source and "raise NotImplementedError()" in solution.source
    assert any("check" in c.metadata.get("tags", []) for c in notebook.cells)


def test_nbgrader_export_shows_the_scores_our_grader_wrote(course):
    rows = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    total = sum(c.points for rubric in load_rubrics(exercises=EXERCISES) for c in rubric.criteria)
    assert float(rows["alice"]["max_score"]) == pytest.approx(total)
    assert float(rows["alice"]["score"]) == pytest.approx(total)
    assert rows["alice"]["timestamp"].startswith("2025-01-15 10:00:00")
    assert float(rows["bob"]["score"]) == 0
    assert 0 < float(rows["eve"]["score"]) < total, "eve's pooling is correct, her conv is not"


def test_every_criterion_entry_is_a_grade_in_nbgrader_gradebook(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-layers") as gradebook:
        for rubric in load_rubrics(exercises=EXERCISES):
            grades = {g.name: g for g in gradebook.find_submission_notebook(
                notebook_name(rubric.exercise).removesuffix(".ipynb"), ASSIGNMENT, "alice").grades}
            for criterion in rubric.criteria:
                entries = [criterion.id] * bool(criterion.public) + [f"{criterion.id}.hidden"] * bool(criterion.hidden)
                for entry in entries:
                    assert grades[entry].max_score > 0 and grades[entry].score == pytest.approx(grades[entry].max_score)


def test_feedback_is_written_where_nbgrader_keeps_it_and_shows_no_hidden_values(course):
    for student in ("alice", "bob", "eve"):
        for exercise in EXERCISES:
            page = (course / "feedback" / student / ASSIGNMENT / notebook_name(exercise).replace(".ipynb", ".html"))
            assert "hidden" in page.read_text()
    eve = (course / "feedback" / "eve" / ASSIGNMENT / "01_conv.html").read_text()
    assert "cannot handle x" in eve, "public cases show the student's own error"
    numbers = hidden_numbers("eve")
    assert numbers and not [n for n in numbers if n in eve]
    released = "".join(p.read_text() for p in (course / "release" / ASSIGNMENT).glob("*.ipynb"))
    labels = hidden_labels(EXERCISES)
    assert labels and not [label for label in labels if label in released]
