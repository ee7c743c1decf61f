"""A correct submission never loses a point: the reference under 200 different hidden-case secrets.

Only the hidden cases depend on the secret, so each chunk grades the public cases once (with its
first secret) and every other secret's hidden cases alone: every case a secret draws is still graded.
"""

from __future__ import annotations

import pytest

from autograder.judge.cases import Secret
from builders import REFERENCE_DIR
from autograder.judge.grading import grade
from autograder.course.rubric import load_rubrics

RUBRICS = load_rubrics()
SECRETS = 200
CHUNK = 20


@pytest.mark.parametrize("first", range(0, SECRETS, CHUNK))
def test_reference_gets_full_marks_under_every_secret(first):
    for k in range(first, first + CHUNK):
        result = grade(REFERENCE_DIR, RUBRICS, identity="student", secret=Secret(f"secret-{k}".encode(), "test"),
                       hidden_only=k != first)
        lost = [f"{c.id}: {c.message}" for e in result.exercises for c in e.criteria if not c.passed]
        assert not lost, f"secret-{k}: " + "\n".join(lost)
        assert all(c.visibility == "hidden" for e in result.exercises for c in e.criteria) or k == first
