"""The grades the rubrics give are right: classic bugs lose points, other correct styles do not.

The classic bugs are the misconception catalogue, ``autograder/misconceptions/<exercise>/<bug>.py``:
each bug's module (``Misconception.source``) is the reference module with one classic student bug. ``tests/corpus/correct/<exercise>/<style>.py``
are correct modules written in other styles (naive loops, other vectorizations). Each is graded
inside a submission made of the reference modules.
"""

from __future__ import annotations

import pytest

from builders import CORPUS, COURSE, build_submission
from autograder.judge.grading import grade
from autograder.course.catalogue import load_catalogue
from autograder.course.rubric import load_rubrics


RUBRICS = load_rubrics()
CATALOGUE = load_catalogue()
BUGS = [pytest.param(bug, id=f"{bug.exercise}-{bug.name}") for bugs in CATALOGUE.values() for bug in bugs]
CORRECT = [pytest.param(path.parent.name, path, id=f"{path.parent.name}-{path.stem}")
           for path in sorted((CORPUS / "correct").glob("*/*.py"))]


@pytest.mark.parametrize("bug", BUGS)
def test_classic_bug_loses_points_on_its_exercise_and_no_unrelated_one(bug, tmp_path):
    result = grade(build_submission(tmp_path / "sub", {bug.exercise: bug.source}), RUBRICS, identity="corpus")
    graded = result.exercise(bug.exercise)
    assert graded.score < graded.max_score, f"{bug.id} kept full marks on {bug.exercise}"
    for other in set(COURSE.names) - set(COURSE.affected_by(bug.exercise)):
        assert result.exercise(other).score == result.exercise(other).max_score, f"{bug.id} cost points on {other}"


@pytest.mark.parametrize("exercise, module", CORRECT)
def test_correct_implementation_in_another_style_gets_full_marks(exercise, module, tmp_path):
    result = grade(build_submission(tmp_path / "sub", {exercise: module}), RUBRICS, identity="corpus")
    graded = result.exercise(exercise)
    lost = [f"{c.id}: {c.message}" for c in graded.criteria if not c.passed]
    assert graded.score == graded.max_score, "\n".join(lost)


def test_every_exercise_has_five_classic_bugs_and_two_other_correct_styles():
    for exercise in COURSE.names:
        assert len(CATALOGUE.get(exercise, ())) >= 5, exercise
        assert len(list((CORPUS / "correct" / exercise).glob("*.py"))) >= 2, exercise
