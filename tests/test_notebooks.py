"""Notebooks: the release's notebooks, and notebook submissions graded like folders."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import nbformat
import pytest

from builders import COURSE, FUNCTIONS, REFERENCE_DIR, build_notebook
from autograder.judge.grading import grade
from autograder.integrations.notebooks import notebook_name, write_notebooks
from autograder.course.rubric import load_rubrics
from autograder.sandbox.staging import NOTEBOOK_CELLS, notebook_code, notebook_exercise


CONV = load_rubrics(exercises=("conv",))
SOLUTION_METADATA = {"solution": True, "grade": False, "locked": False, "schema_version": 3}


def autograder(*args: str) -> subprocess.CompletedProcess:
    """The command line, in its own process (a batch's process pool must not outlive it here)."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, timeout=600)


def functions_of(exercise: str) -> set[str]:
    return {name for layer in FUNCTIONS.values() if layer.exercise == exercise
            for name in (layer.name, layer.backward) if name}


def test_each_exercise_has_a_notebook_that_explains_it_holds_the_stub_and_ends_with_a_check(tmp_path):
    paths = write_notebooks(tmp_path)
    assert [p.name for p in paths] == [notebook_name(e) for e in COURSE.names] and paths[0].name == "01_conv.ipynb"
    for path, exercise in zip(paths, COURSE.names):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert notebook_exercise(path) == exercise
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert code[0].metadata == {"nbgrader": dict(SOLUTION_METADATA, grade_id=f"{exercise}-solution")}
        check = code[-1]
        assert check.metadata["nbgrader"]["locked"] and not check.metadata["nbgrader"]["solution"]
        assert check.metadata["tags"] == ["check"] and f'check_notebook("{exercise}")' in check.source
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert all(f"### `{function}`" in text for function in functions_of(exercise))
        assert "shape" in text and "BEGIN SOLUTION" not in text, "nbgrader takes that for a solution region"
        module = notebook_code(notebook)
        assert "check_notebook" not in module and all(f"def {f}(" in module for f in functions_of(exercise))


def test_a_folder_of_stub_notebooks_scores_zero_saying_not_implemented(tmp_path):
    write_notebooks(tmp_path / "notebooks")
    result = grade(tmp_path / "notebooks", mode="check")
    assert result.score == 0 and result.max_score > 0
    for exercise in result.exercises:
        assert "missing" not in (exercise.note or ""), "every notebook becomes its exercise's module"
        assert "not implemented" in " ".join(c.message for c in exercise.criteria)


def test_a_notebook_and_a_folder_of_notebooks_with_correct_solution_cells_get_full_marks(tmp_path):
    single = grade(build_notebook(tmp_path / "ann" / "01_conv.ipynb", "conv"), CONV)
    assert single.score == single.max_score > 0
    for exercise in ("conv", "residual"):
        build_notebook(tmp_path / "bob" / notebook_name(exercise), exercise)
    both = grade(tmp_path / "bob", load_rubrics(exercises=("conv", "residual")))
    assert both.score == both.max_score > 0, "the residual notebook uses the conv notebook's convolution"


@pytest.mark.parametrize("cells", NOTEBOOK_CELLS)
def test_an_error_in_an_unrelated_cell_does_not_stop_grading(tmp_path, cells):
    scratch = ("raise RuntimeError('scratch work')", "def unfinished(:", "%timeit conv2d_forward")
    result = grade(build_notebook(tmp_path / "01_conv.ipynb", "conv", extra_cells=scratch), CONV, notebook_cells=cells)
    assert result.score == result.max_score


def test_notebook_cells_all_grades_code_written_outside_the_solution_cell(tmp_path):
    reference = (REFERENCE_DIR / "conv.py").read_text()
    path = build_notebook(tmp_path / "conv.ipynb", "conv", source="# my code is in the next cell",
                          extra_cells=(reference,))
    assert grade(path, CONV, notebook_cells="solution").score == 0
    everything = grade(path, CONV, notebook_cells="all")
    assert everything.score == everything.max_score


def test_a_notebook_that_is_not_json_gets_a_clear_message_and_a_zero(tmp_path):
    path = tmp_path / "01_conv.ipynb"
    path.write_text('{"cells": [ this is not json')
    done = autograder("grade", str(path), "--json", "--notebook-cells", "all")
    assert done.returncode == 0, done.stderr
    conv = json.loads(done.stdout)["exercises"][0]
    assert conv["score"] == 0 and "01_conv.ipynb is not a valid notebook (not readable as JSON" in conv["note"]


def test_batch_grades_a_single_notebook_and_a_folder_of_notebooks(tmp_path):
    build_notebook(tmp_path / "class" / "ann_conv.ipynb", "conv")
    build_notebook(tmp_path / "class" / "bob" / "01_conv.ipynb", "conv", source="raise SystemExit('no')")
    done = autograder("batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--notebook-cells", "all")
    assert done.returncode == 0, done.stderr
    rows = {row["submission"]: row for row in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    assert float(rows["ann_conv.ipynb"]["conv"]) == sum(criterion.points for criterion in CONV[0].criteria)
    assert float(rows["bob"]["conv"]) == 0


def test_the_self_check_cell_checks_the_saved_notebooks_of_its_folder(tmp_path, monkeypatch, capsys):
    path = build_notebook(tmp_path / "01_conv.ipynb", "conv")
    check_cell = next(c for c in nbformat.read(path, as_version=4).cells if "check" in c.metadata.get("tags", []))
    monkeypatch.chdir(tmp_path)
    exec(check_cell.source, {})
    shown = " ".join(capsys.readouterr().out.split())
    assert f"{tmp_path.name}/:" in shown and "(public cases only)" in shown and "conv" in shown and "✓" in shown
