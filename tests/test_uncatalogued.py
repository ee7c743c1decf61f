"""Realistic bugs the catalogue has never seen lose points, and their feedback never names another mistake.

``tests/corpus/uncatalogued/<exercise>/<bug>.py`` (see ``tests/heldout.py``) are bugs written apart
from the misconception catalogue, as a TA who graded hundreds of submissions would: near-misses of
catalogued mistakes, the same mistake written another way (declared with ``Same mistake as:``),
and mistakes unlike any catalogued one. Each, put into the reference, must lose points on its
exercise; a misconception its feedback names must be the one it declares ("a diagnosis that names
the wrong bug is worse than none"). How many are named at all is measured, not asserted:
``python benchmarks/hint_rate.py``.
"""

from __future__ import annotations

import pytest

from autograder.course.catalogue import load_catalogue
from builders import COURSE, EXERCISES
from heldout import UNCATALOGUED, feedback, held_out_bugs

BUGS = [pytest.param(bug, id=bug.id) for bug in held_out_bugs(COURSE)]
CATALOGUE = load_catalogue(COURSE)


def test_every_exercise_has_five_uncatalogued_bugs_each_saying_what_it_does():
    for exercise in EXERCISES:
        bugs = [bug for bug in held_out_bugs(COURSE) if bug.exercise == exercise]
        assert len(bugs) >= 5, f"{exercise} has {len(bugs)} uncatalogued bugs in {UNCATALOGUED / exercise}"
        for bug in bugs:
            assert bug.title, f"{bug.path}: the docstring's first line must say what the bug does"


def test_an_uncatalogued_bug_declares_only_a_catalogued_mistake_of_its_own_exercise_and_is_no_catalogue_module():
    for bug in held_out_bugs(COURSE):
        names = {b.name for b in CATALOGUE.get(bug.exercise, ())}
        assert bug.name not in names, f"{bug.id} has the name of a catalogued bug: keep the two apart"
        if bug.declared is not None:
            exercise, _, name = bug.declared.partition(".")
            assert exercise == bug.exercise and name in names, f"{bug.path}: Same mistake as {bug.declared}, no such bug"


@pytest.mark.parametrize("bug", BUGS)
def test_an_uncatalogued_bug_loses_points_and_its_feedback_names_no_other_mistake(bug):
    seen = feedback(bug)
    assert seen.lost_points, f"{bug.id} kept full marks on {bug.exercise}: {bug.title}"
    assert not seen.wrong, (f"{bug.id} ({bug.title}) was diagnosed as {sorted(seen.wrong)}; it declares "
                            f"{bug.declared or 'no catalogued mistake'}")
