"""The grades the rubrics give are right: classic bugs lose points, other correct styles do not.

The classic bugs are the misconception catalogue, ``misconceptions/<exercise>/<bug>.py``:
each bug's module (``Misconception.source``) is the reference module with one classic student bug. ``tests/corpus/correct/<exercise>/<style>.py``
are correct modules written in other styles (naive loops, other vectorizations). Each is graded
inside a submission made of the reference modules.
"""

from __future__ import annotations

import pytest

from builders import CORPUS, COURSE, graded_bug, graded_correct
from autograder.course.catalogue import load_catalogue


CATALOGUE = load_catalogue()
BUGS = [pytest.param(bug, id=f"{bug.exercise}-{bug.name}", marks=pytest.mark.xdist_group(bug.id))
        for bugs in CATALOGUE.values() for bug in bugs]
CORRECT = [pytest.param(path, id=f"{path.parent.name}-{path.stem}", marks=pytest.mark.xdist_group(str(path)))
           for path in sorted((CORPUS / "correct").glob("*/*.py"))]


@pytest.mark.parametrize("bug", BUGS)
def test_classic_bug_loses_points_on_its_exercise_and_costs_nothing_on_those_that_import_it_unless_it_shows(bug):
    result = graded_bug(bug)
    graded = result.exercise(bug.exercise)
    assert graded.score < graded.max_score, f"{bug.id} kept full marks on {bug.exercise}"
    for other in result.exercises:
        if other.name != bug.exercise and other.score < other.max_score:
            assert other.note and bug.exercise in other.note, f"{bug.id} cost points on {other.name} without saying why"


@pytest.mark.parametrize("module", CORRECT)
def test_correct_implementation_in_another_style_gets_full_marks(module):
    graded = graded_correct(module).exercise(module.parent.name)
    lost = [f"{c.id}: {c.message}" for c in graded.criteria if not c.passed]
    assert graded.score == graded.max_score, "\n".join(lost)


def test_every_exercise_has_five_classic_bugs_and_two_other_correct_styles():
    for exercise in COURSE.names:
        assert len(CATALOGUE.get(exercise, ())) >= 5, exercise
        assert len(list((CORPUS / "correct" / exercise).glob("*.py"))) >= 2, exercise
