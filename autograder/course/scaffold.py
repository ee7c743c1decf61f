"""``autograder new-exercise NAME [--course DIR]``: the skeleton of a new exercise of a course.

It writes, for an exercise called NAME, a working example (an affine layer, ``out = x @ w + b``)
that an instructor turns into their own layer: the reference module with solution markers, its
exercise file, a rubric, a catalogue with one classic bug, and the generated stub; it adds NAME to
the course file (creating the course when DIR has none). Every place to rewrite says ``TODO``, and
``autograder validate`` lists them, step by step, with the quality goals still unmet.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from autograder.course.model import CourseError, course_root, identifier_problems, load_course, _load_course
from autograder.course.stubs import STUBS_PACKAGE_DOC, make_stub
from autograder.course.yamlfile import load_yaml_file


class ScaffoldError(ValueError):
    """The exercise cannot be created: a bad name, or the course already has it."""


REFERENCE = '''"""Exercise ``{name}``: TODO say in a sentence what the layer computes (this example: an affine layer).

The docstrings here become the students' stub and notebook: give every array's shape, the formula and the
conventions. Everything between solution markers is removed from the stub.
"""

from __future__ import annotations

import numpy as np


def {name}_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Forward pass: ``out = x @ w + b`` (TODO replace this example with your layer).

    Parameters
    ----------
    x : ndarray, shape (N, D)
    w : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : tuple
        What ``{name}_backward`` needs.

    Raises
    ------
    ValueError
        If x, w and b do not fit together.
    """
    # BEGIN SOLUTION: compute out = x @ w + b and keep what the backward needs
    _check_arguments(x, w, b)
    out = x @ w + b
    return out, (x, w)
    # END SOLUTION


def {name}_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass: the gradients of the objective with respect to x, w and b.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
        The upstream gradient.
    cache : tuple
        From ``{name}_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dw : ndarray, shape (D, M)
    db : ndarray, shape (M,)
    """
    # BEGIN SOLUTION: dx = dout @ w.T, dw = x.T @ dout, db sums dout over the batch
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)
    # END SOLUTION


# BEGIN SOLUTION
def _check_arguments(x: np.ndarray, w: np.ndarray, b: np.ndarray):
    """Raise ``ValueError`` unless x (N, D), w (D, M) and b (M,) fit together."""
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"x (N, D) and w (D, M) must fit: x shape {{x.shape}}, w shape {{w.shape}}")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape (M,) = ({{w.shape[1]}},), got {{b.shape}}")
# END SOLUTION
'''

SPEC = '''# How the grader calls {name}.py and draws its inputs (CONTRIBUTING.md, "The exercise file").
# TODO describe your layer's functions: their arguments, returns, backward and how inputs are drawn.
exercise: {name}
title: {title}
functions:
  {name}_forward:
    args: [x, w, b]
    returns: [out]
    backward: {name}_backward
    gradients: {{dx: x, dw: w, db: b}}
    inputs:
      sizes: {{N: 4, D: 5, M: 3}}
      x: {{shape: [N, D]}}
      w: {{shape: [D, M], scale: 1/sqrt(D)}}
      b: {{shape: [M]}}
features:
  a batch of one: N == 1
'''

RUBRIC = '''# What is graded for {name} (CONTRIBUTING.md, "The rubric"). TODO write the cases that teach
# something about your layer; hidden cases are of the same kinds as public ones, with other values.
exercise: {name}
version: 1
description: {title}, forward and backward.
criteria:
  - id: {name}.forward
    points: 4
    kind: forward
    function: {name}_forward
    description: {name}_forward computes the layer's output.
    hint: Compute out = x @ w + b, with one row per example.
    cases:
      public:
        - {{label: "4 examples"}}
      hidden:
        - {{label: "a batch of one", N: 1}}
        - {{label: "wider output", N: 3, M: 7}}

  - id: {name}.backward
    points: 4
    kind: backward
    function: {name}_backward
    description: {name}_backward returns the exact gradients.
    hint: dx = dout @ w.T, dw = x.T @ dout and db sums dout over the batch.
    cases:
      public:
        - {{label: "4 examples"}}
      hidden:
        - {{label: "a batch of one", N: 1}}
        - {{label: "wider output", N: 3, M: 7}}

  - id: {name}.gradcheck
    points: 2
    kind: gradcheck
    function: {name}_backward
    description: Your backward agrees with central differences of your own forward.
    requires: [{name}.forward, {name}.backward]
    cases:
      public:
        - {{label: "small input", N: 2, D: 3, M: 2}}
      hidden:
        - {{label: "another small input", N: 3, D: 2, M: 3}}

  - id: {name}.inputs_unmodified
    points: 1
    kind: property
    property: inputs_unmodified
    function: {name}_forward
    description: Forward and backward leave their inputs unchanged.
    cases:
      public:
        - {{label: "4 examples"}}
      hidden:
        - {{label: "a batch of one", N: 1}}

  - id: {name}.invalid_arguments
    points: 1
    kind: property
    property: raises_value_error
    function: {name}_forward
    description: {name}_forward raises ValueError when x, w and b do not fit together.
    requires: [{name}.forward]
    cases:
      public:
        - {{label: "w expects another number of features", x: [4, 5], w: [6, 3]}}
      hidden:
        - {{label: "b of the wrong length", b: [2]}}
'''

CATALOGUE = '''# The classic mistakes of {name}, in the order diagnosis tries them (CONTRIBUTING.md,
# "The misconception catalogue"). TODO add the bugs your students make: aim for six or more.
exercise: {name}
misconceptions:
  bias_forgotten:
    title: Bias forgotten
    hint: >-
      Your output matches one without the bias; add b to every row of x @ w.
'''

BUG = '''"""Forgets to add the bias b in the forward pass (TODO: an example; write your students' bugs like it).

Only the functions the mistake changes are here; the rest of the module is the reference's.
"""


def {name}_forward(x, w, b):
    _check_arguments(x, w, b)
    return x @ w, (x, w)
'''

COURSE = '''# A course: its exercises in the order every report lists them, and its assignments
# (CONTRIBUTING.md, "Adding an exercise").
title: {title}
exercises: [{name}]
'''


def new_exercise(name: str, course_dir: Path | str | None = None) -> list[Path]:
    """Write the skeleton of exercise ``name`` into the course ``course_dir`` and return the files written.

    Raises
    ------
    ScaffoldError
        When ``name`` is not a lower-case Python name, or the course already has the exercise or its files.
    """
    problem = identifier_problems(name) or (f"{name!r} is a Python keyword" if keyword.iskeyword(name) else None)
    if problem:
        raise ScaffoldError(problem)
    root = course_root(course_dir)
    created = not (root / "course.yaml").is_file()
    course = None if created else load_course(root)
    if course is not None and name in course.names:
        raise ScaffoldError(f"{root}: the course already has an exercise {name!r}")
    paths = dict(course.paths) if course else {"reference": "reference", "rubrics": "rubrics",
                                               "misconceptions": "misconceptions", "stubs": "exercises"}
    title = name.replace("_", " ").capitalize()
    files = {
        root / paths["reference"] / f"{name}.py": REFERENCE,
        root / paths["reference"] / f"{name}.yaml": SPEC,
        root / paths["rubrics"] / f"{name}.yaml": RUBRIC,
        root / paths["misconceptions"] / f"{name}.yaml": CATALOGUE,
        root / paths["misconceptions"] / name / "bias_forgotten.py": BUG,
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exist(s); expected a new exercise")
    written = []
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=name, title=title))
        written.append(path)
    stubs = root / paths["stubs"]
    stubs.mkdir(parents=True, exist_ok=True)
    if not (stubs / "__init__.py").exists():
        (stubs / "__init__.py").write_text(STUBS_PACKAGE_DOC)
        written.append(stubs / "__init__.py")
    reference = root / paths["reference"] / f"{name}.py"
    (stubs / f"{name}.py").write_text(make_stub(reference.read_text(), filename=str(reference)))
    written.append(stubs / f"{name}.py")
    written.append(_add_to_course(root, name, created))
    _load_course.cache_clear()
    return written


def _add_to_course(root: Path, name: str, created: bool) -> Path:
    """Add ``name`` to the course file's exercises (writing a new course file if there is none)."""
    path = root / "course.yaml"
    if created:
        path.write_text(COURSE.format(title=root.name.replace("_", " ").replace("-", " ").capitalize() or "A course",
                                      name=name))
        return path
    text = path.read_text()
    flow = re.compile(r"^exercises:\s*\[(?P<names>[^\]]*)\]\s*$", re.MULTILINE)
    match = flow.search(text)
    if match:
        names = [n.strip() for n in match["names"].split(",") if n.strip()]
        text = text[:match.start()] + f"exercises: [{', '.join([*names, name])}]" + text[match.end():]
    else:
        block = re.compile(r"^exercises:\s*\n((?:[ \t]+-.*\n)+)", re.MULTILINE).search(text)
        if block is None:
            raise CourseError(f"{path}: cannot find its exercises list to add {name!r} to; add it by hand")
        indent = re.match(r"[ \t]+", block[1])[0]
        text = text[:block.end()] + f"{indent}- {name}\n" + text[block.end():]
    path.write_text(text)
    if name not in load_yaml_file(path)["exercises"]:
        raise CourseError(f"{path}: could not add {name!r} to its exercises; add it by hand")
    return path
