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

from autograder.judge.cases import Secret, draw_inputs  # noqa: E402
from autograder.judge.cases import make_cases  # noqa: E402
from autograder.integrations.notebooks import notebook_name, write_notebooks  # noqa: E402
from autograder.course.rubric import load_rubrics  # noqa: E402
from autograder.sandbox.staging import notebook_exercise  # noqa: E402

from builders import COURSE, build_notebook
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
            for arg in draw_inputs(criterion.spec, case, COURSE):
                if isinstance(arg, np.ndarray) and arg.size:
                    numbers |= {repr(float(v)) for v in arg.ravel()[:4]}
    return {n for n in numbers if len(n.strip("-0.")) >= 4}


def make_course(course: Path) -> Path:
    """An nbgrader course whose assignment holds our notebooks, released by nbgrader and submitted by three
    students: alice's solution cells are correct, bob's are the released stubs, eve's conv prints its inputs."""
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "dl-layers"\n')
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    for path in write_notebooks(course / "all-notebooks"):
        if notebook_exercise(path) in EXERCISES:
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
    return course


def test_autograder_nbgrader_grades_an_nbgrader_course_into_its_gradebook_and_nbgrader_exports_it(tmp_path):
    """One end-to-end test (the course is slow to make with nbgrader): each check is a function below."""
    course = make_course(tmp_path)
    check_released_notebooks(course)
    run("autograder", "nbgrader", str(course), ASSIGNMENT, cwd=course)
    run("nbgrader", "export", "--to", "grades.csv", cwd=course)
    check_export(course)
    check_gradebook(course)
    check_feedback(course)


def check_released_notebooks(course: Path) -> None:
    """nbgrader releases our notebooks with the stub in the solution cell, and no hidden case anywhere."""
    released = course / "release" / ASSIGNMENT
    notebook = nbformat.read(released / "01_conv.ipynb", as_version=4)
    solution = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    assert "def conv2d_forward(" in solution.source and "raise NotImplementedError()" in solution.source
    assert any("check" in c.metadata.get("tags", []) for c in notebook.cells)
    text = "".join(p.read_text() for p in released.glob("*.ipynb"))
    labels = hidden_labels(EXERCISES)
    assert labels and not [label for label in labels if label in text]


def check_export(course: Path) -> None:
    """``nbgrader export`` shows the scores our grader wrote, per student."""
    rows = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    total = sum(c.points for rubric in load_rubrics(exercises=EXERCISES) for c in rubric.criteria)
    assert float(rows["alice"]["max_score"]) == pytest.approx(total)
    assert float(rows["alice"]["score"]) == pytest.approx(total)
    assert rows["alice"]["timestamp"].startswith("2025-01-15 10:00:00")
    assert float(rows["bob"]["score"]) == 0
    assert 0 < float(rows["eve"]["score"]) < total, "eve's pooling is correct, her conv is not"


def check_gradebook(course: Path) -> None:
    """Every criterion entry, public and hidden, is a grade in nbgrader's gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-layers") as gradebook:
        for rubric in load_rubrics(exercises=EXERCISES):
            grades = {g.name: g for g in gradebook.find_submission_notebook(
                notebook_name(rubric.exercise).removesuffix(".ipynb"), ASSIGNMENT, "alice").grades}
            for criterion in rubric.criteria:
                entries = [criterion.id] * bool(criterion.public) + [f"{criterion.id}.hidden"] * bool(criterion.hidden)
                for entry in entries:
                    assert grades[entry].max_score > 0 and grades[entry].score == pytest.approx(grades[entry].max_score)


def check_feedback(course: Path) -> None:
    """Feedback goes where nbgrader keeps it, one page per notebook, with no hidden case's values."""
    for student in ("alice", "bob", "eve"):
        for exercise in EXERCISES:
            page = course / "feedback" / student / ASSIGNMENT / notebook_name(exercise).replace(".ipynb", ".html")
            text = page.read_text()
            assert "Feedback for" in text and "What to fix first" in text and exercise in text
    eve = (course / "feedback" / "eve" / ASSIGNMENT / "01_conv.html").read_text()
    assert "cannot handle x" in eve, "public cases show the student's own error"
    numbers = hidden_numbers("eve")
    assert numbers and not [n for n in numbers if n in eve]
