"""Rubrics are data validated against a schema and the course; a bad one says where and what."""

from __future__ import annotations

import textwrap

import pytest

from builders import COURSE
from autograder.course.rubric import RubricError, load_rubric, load_rubrics

VALID = """\
exercise: conv
version: 1
criteria:
  - id: conv.forward
    points: 5
    kind: forward
    function: conv2d_forward
    description: forward values
    cases:
      public:
        - {label: "small", x: [1, 1, 4, 4], w: [1, 1, 3, 3]}
"""


def write(tmp_path, text):
    path = tmp_path / "conv.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_every_course_rubric_is_valid_and_in_course_order():
    assert [r.exercise for r in load_rubrics()] == list(COURSE.names)


def test_a_minimal_rubric_loads(tmp_path):
    rubric = load_rubric(write(tmp_path, VALID))
    assert rubric.criteria[0].tolerance == 1e-6 and len(rubric.criteria[0].public) == 1


@pytest.mark.parametrize("change, where, expected", [
    (("kind: forward", "kind: forwards"), "criteria[0].kind", "is not one of"),
    (("points: 5", "points: -1"), "criteria[0].points", "less than or equal to the minimum"),
    (("x: [1, 1, 4, 4]", "strid: 2"), "criteria[0].cases.public[0]", "unknown key(s) ['strid']"),
    (("function: conv2d_forward", "function: rnn_forward"), "criteria[0].function", "belongs to exercise 'rnn'"),
    (("function: conv2d_forward", "function: conv3d"), "criteria[0].function", "not a function of the course"),
    (("id: conv.forward", "id: pool.forward"), "criteria[0].id", "starting with 'conv.'"),
    (("    kind: forward\n", "    kind: forward\n    requires: [conv.nothing]\n"), "criteria[0].requires",
     "no criterion 'conv.nothing'"),
    (("    description: forward values\n", ""), "criteria[0]", "'description' is a required property"),
])
def test_a_bad_rubric_names_the_file_the_key_and_the_expectation(tmp_path, change, where, expected):
    path = write(tmp_path, VALID.replace(*change))
    with pytest.raises(RubricError) as error:
        load_rubric(path)
    message = str(error.value)
    assert str(path) in message and where in message and expected in message, message


def test_a_rubric_that_is_not_yaml_is_reported(tmp_path):
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(write(tmp_path, "exercise: [conv\n"))
