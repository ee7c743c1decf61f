"""The open course: exercises are data, a course is a folder, assignments select exercises.

The engine (``autograder/``) knows no exercise by name; an instructor's own course (the example in
``examples/course``, an affine layer and a ReLU the built-in course lacks) is validated, released,
checked, graded and batched with no change to the engine; ``autograder new-exercise`` writes a
skeleton that ``validate`` explains step by step.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import numpy as np
import pytest

from autograder.course.catalogue import misconception
from autograder.course.expressions import ExpressionError, evaluate
from autograder.course.inputs import parse_inputs
from autograder.course.model import CourseError, load_course
from autograder.sandbox.staging import notebook_exercise

from builders import COURSE, EXAMPLE_COURSE, EXERCISES, ROOT, build_submission

ENGINE = ROOT / "autograder"


def autograder(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd)


def engine_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ENGINE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ENGINE)).encode() + path.read_bytes())
    return digest.hexdigest()


# -- the engine knows no exercise -------------------------------------------------------------------


def code_words(path: Path):
    """(line, word) of every name and every word of a string literal in ``path``, docstrings and comments aside."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    for k, token in enumerate(tokens):
        if token.type == tokenize.NAME:
            yield token.start[0], token.string
        elif token.type == tokenize.STRING:
            before = next((t for t in reversed(tokens[:k]) if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
            if before is None or before.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                continue  # a docstring
            for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", token.string):
                yield token.start[0], word


def test_the_engine_names_no_exercise_and_no_function_of_the_built_in_course():
    names = set(COURSE.names) | {name for exercise in COURSE.exercises for name in exercise.function_names}
    found = [f"{path.relative_to(ROOT)}:{line}: {word}" for path in sorted(ENGINE.rglob("*.py"))
             for line, word in code_words(path) if word in names]
    assert found == [], "the engine must read exercises from the course, not name them:\n" + "\n".join(found)


def test_the_scan_finds_a_name_in_code_and_in_a_string_but_not_in_a_docstring_or_comment(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""conv in a docstring."""\n# conv in a comment\nx = conv\ny = "the conv layer"\n')
    assert [(line, word) for line, word in code_words(module) if word == "conv"] == [(3, "conv"), (4, "conv")]


# -- an instructor's own course ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("instructor") / "course"
    shutil.copytree(EXAMPLE_COURSE, course)
    return course


def test_an_instructors_own_course_is_validated_released_checked_graded_and_batched_with_no_engine_change(
        own_course, tmp_path):
    before = engine_fingerprint()
    validated = autograder("validate", "--course", str(own_course), "--strict")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "mutation score 100%" in validated.stdout

    correct, buggy = tmp_path / "class" / "ada", tmp_path / "class" / "bob"
    course = load_course(own_course)
    build_submission(correct, course=course)
    build_submission(buggy, {"relu": misconception("relu.gradient_everywhere", course).source}, course=course)

    graded = autograder("grade", str(correct), "--course", str(own_course), "--json")
    report = json.loads(graded.stdout)
    assert [e["name"] for e in report["exercises"]] == ["affine", "relu"]
    assert report["score"] == report["max_score"] > 0
    week1 = json.loads(autograder("grade", str(buggy), "--course", str(own_course), "--assignment", "week1",
                                  "--json").stdout)
    assert [e["name"] for e in week1["exercises"]] == ["affine"] and week1["score"] == week1["max_score"]
    mistaken = json.loads(autograder("grade", str(buggy), "--course", str(own_course), "--json").stdout)
    relu = next(e for e in mistaken["exercises"] if e["name"] == "relu")
    assert relu["score"] < relu["max_score"]
    assert "relu.gradient_everywhere" in {c["misconception"] for c in relu["criteria"]}

    out = tmp_path / "graded"
    batched = autograder("batch", str(tmp_path / "class"), "--out", str(out), "--course", str(own_course))
    assert batched.returncode == 0, batched.stderr
    header, *rows = (out / "gradebook.csv").read_text().splitlines()
    assert "affine" in header and "relu" in header and len(rows) == 2

    release = tmp_path / "release"
    released = autograder("release", str(release), "--course", str(own_course))
    assert released.returncode == 0, released.stderr
    assert sorted(p.name for p in (release / "exercises").glob("*.py")) == ["__init__.py", "affine.py", "relu.py"]
    assert not list(release.rglob("reference")) and not list(release.rglob("misconceptions"))
    checked = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, '.'); "
                              "from autograder.cli import main; sys.exit(main(['check', 'exercises', '--json']))"],
                             capture_output=True, text=True, timeout=300, cwd=release)
    assert checked.returncode == 0, checked.stderr
    stubs = json.loads(checked.stdout)
    assert [e["name"] for e in stubs["exercises"]] == ["affine", "relu"] and stubs["score"] == 0
    assert engine_fingerprint() == before


def test_new_exercise_writes_a_skeleton_that_grades_at_once_and_that_validate_explains_step_by_step(tmp_path):
    course = tmp_path / "my-course"
    created = autograder("new-exercise", "layer_norm", "--course", str(course))
    assert created.returncode == 0, created.stderr
    assert load_course(course).names == ("layer_norm",)
    validated = autograder("validate", "--course", str(course))
    assert validated.returncode == 0, validated.stdout
    steps = re.findall(r"^\s+\d+\. layer_norm: (.*)$", validated.stdout, re.MULTILINE)
    assert any("reference/layer_norm.py still has TODO" in step for step in steps)
    assert any("1 of 6 catalogued misconceptions" in step for step in steps)
    assert any("0 of 2 other correct modules" in step for step in steps)
    strict = autograder("validate", "--course", str(course), "--strict")
    assert strict.returncode == 1
    again = autograder("new-exercise", "layer_norm", "--course", str(course))
    assert again.returncode == 2 and "already has an exercise 'layer_norm'" in again.stderr
    second = autograder("new-exercise", "softmax", "--course", str(course))
    assert second.returncode == 0 and load_course(course).names == ("layer_norm", "softmax")
    assert autograder("new-exercise", "Bad-Name", "--course", str(course)).returncode == 2


# -- assignments --------------------------------------------------------------------------------------


def test_the_default_assignment_is_core_and_all_lists_every_exercise_in_course_order():
    assert COURSE.default_assignment == "core"
    assert EXERCISES == ("conv", "pooling", "rnn", "lstm", "dropout", "batchnorm", "residual")
    assert COURSE.assignment("all") == COURSE.names
    assert set(COURSE.assignment_names) >= {"core", "all"}


def test_an_unknown_assignment_or_course_is_an_error_that_lists_what_exists(tmp_path):
    unknown = autograder("grade", str(COURSE.reference_dir), "--assignment", "nope", "--json")
    assert unknown.returncode == 2 and "no assignment 'nope'" in unknown.stderr and "core" in unknown.stderr
    missing = autograder("grade", str(COURSE.reference_dir), "--course", str(tmp_path), "--json")
    assert missing.returncode == 2 and "no course.yaml" in missing.stderr


@pytest.mark.parametrize("change, expected", [
    (("exercises: [affine, relu]", "exercises: [affine, relu, relu]"), "'relu' is listed twice"),
    (("week1: [affine]", "week1: [affine, softmax]"), "assignments.week1: 'softmax' is no exercise"),
    (("default_assignment: week2", "default_assignment: week9"), "default_assignment: 'week9' is no assignment"),
    (("title: A first network", "title: 3"), "title: 3 is not of type 'string'"),
])
def test_a_broken_course_file_names_the_file_the_key_and_the_expectation(own_course, tmp_path, change, expected):
    broken = tmp_path / "broken"
    shutil.copytree(own_course, broken)
    (broken / "course.yaml").write_text((own_course / "course.yaml").read_text().replace(*change))
    with pytest.raises(CourseError) as error:
        load_course(broken)
    assert str(broken / "course.yaml") in str(error.value) and expected in str(error.value), str(error.value)


def test_a_broken_exercise_file_names_the_file_and_the_key(own_course, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(own_course, broken)
    spec = broken / "reference" / "relu.yaml"
    spec.write_text(spec.read_text().replace("gradients: {dx: x}", "gradients: {dx: y}"))
    with pytest.raises(CourseError, match=r"relu.yaml: functions.relu_forward.gradients.dx: 'y' is no argument"):
        load_course(broken)


# -- inputs, expressions, names -----------------------------------------------------------------------------


def draw(inputs: dict, args: tuple[str, ...], params: dict, seed: int = 0) -> list:
    return parse_inputs(inputs, args, "test").draw(params, np.random.default_rng(seed))


CONV_LIKE = {"sizes": {"N": 2, "C": 3, "H": 5, "W": 5, "F": 4}, "x": {"shape": ["N", "C", "H", "W"]},
             "w": {"shape": ["F", "C", 3, 3], "scale": "fan_in"}, "b": {"shape": ["F"]}, "stride": 1}


def test_a_given_shape_binds_its_sizes_for_the_arguments_after_it_never_before():
    x, w, b, stride = draw(CONV_LIKE, ("x", "w", "b", "stride"), {"x": [1, 2, 6, 7], "stride": [2, 1]})
    assert x.shape == (1, 2, 6, 7) and w.shape == (4, 2, 3, 3) and b.shape == (4,) and stride == (2, 1)
    _, w, b, _ = draw(CONV_LIKE, ("x", "w", "b", "stride"), {"b": [7]})
    assert w.shape == (4, 3, 3, 3) and b.shape == (7,), "an invalid b must not change w"
    _, w, _, _ = draw(CONV_LIKE, ("x", "w", "b", "stride"), {"F": 6})
    assert w.shape == (6, 3, 3, 3) and np.isclose(np.std(w) * np.sqrt(27), 1, atol=0.3)


def test_integer_draws_variants_and_optional_arguments():
    inputs = {"sizes": {"N": 3, "V": 5}, "idx": {"shape": ["N", 4], "integers": [0, "V"]},
              "scale": {"optional": True}, "variants": {"wide": {"idx": {"integers": [0, 100]}}}}
    idx, = draw(inputs, ("idx", "scale"), {})
    assert idx.dtype == np.int64 and idx.shape == (3, 4) and idx.max() < 5
    idx, scale = draw(inputs, ("idx", "scale"), {"wide": True, "scale": 2.5})
    assert idx.max() >= 5 and scale == 2.5


def test_course_expressions_allow_arithmetic_and_refuse_anything_else():
    assert evaluate("1/sqrt(D) if D > 0 else 0", {"D": 4}) == 0.5
    assert evaluate("max(pair(stride)) > 1", {"stride": (1, 2)}) is True
    for hostile in ("__import__('os')", "x.__class__", "open('f')", "[c for c in 'ab']", "lambda: 1"):
        with pytest.raises(ExpressionError):
            evaluate(hostile, {"x": 1})


@pytest.mark.parametrize("file, exercises, expected", [
    ("03_rnn.ipynb", ("conv", "rnn"), "rnn"),
    ("layer_norm.ipynb", ("layer_norm", "norm"), "layer_norm"),
    ("01-Layer-Norm.ipynb", ("layer_norm",), "layer_norm"),
    ("rnn_lstm.ipynb", ("rnn", "lstm"), None),
    ("notes.ipynb", ("conv",), None),
])
def test_a_notebook_is_matched_to_the_exercise_named_in_its_file_name(file, exercises, expected):
    assert notebook_exercise(Path(file), exercises) == expected


def test_validate_with_an_assignment_checks_only_that_assignments_exercises():
    done = autograder("validate", "--course", str(EXAMPLE_COURSE), "--assignment", "week1")
    assert done.returncode == 0, done.stdout[-2000:]
    table = done.stdout[done.stdout.index("Mutation score"):]
    assert "affine" in table and "relu" not in table
    unknown = autograder("validate", "--course", str(EXAMPLE_COURSE), "--assignment", "week9")
    assert unknown.returncode != 0 and "week1" in unknown.stdout + unknown.stderr
