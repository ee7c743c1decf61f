"""Hidden cases speak a fixed vocabulary: their messages depend only on pass/fail and on which value is wrong.

Every message a failed hidden case can carry is a phrase of ``autograder.judge.checks.vocabulary``
(built from the course's names and fixed words); this proves it for every catalogued bug, the
stubs, and a submission that tries to speak through the words of its failures (exception types
and texts, dtypes, error magnitudes, return forms chosen from the hidden input). Nothing it
controls reaches a hidden message, a hidden relative error, or a hidden diagnosis it did not
also show on a public case.
"""

from __future__ import annotations

import re
import shutil

import pytest

from autograder.course.catalogue import load_catalogue
from autograder.course.rubric import load_rubrics
from autograder.judge.cases import Secret
from autograder.judge.checks.vocabulary import patterns
from autograder.judge.grading import grade

from builders import COURSE, PAYLOADS, REFERENCE_DIR, STUBS_DIR, UNCATALOGUED, build_submission, graded_bug, graded_uncatalogued

RUBRICS = {rubric.exercise: rubric for rubric in load_rubrics(COURSE)}
BUGS = [pytest.param(bug, id=bug.id, marks=pytest.mark.xdist_group(bug.id))
        for bugs in load_catalogue(COURSE).values() for bug in bugs]


def hidden_messages(result):
    """(criterion, message) of every failed hidden case of ``result``."""
    criteria = {c.id: c for rubric in RUBRICS.values() for c in rubric.criteria}
    for exercise in result.exercises:
        for entry in exercise.criteria:
            if entry.visibility == "hidden":
                for case in entry.cases:
                    if not case.passed:
                        yield criteria[entry.id.removesuffix(".hidden")], case


def assert_fixed_vocabulary(result) -> int:
    seen = 0
    for criterion, case in hidden_messages(result):
        assert any(p.fullmatch(case.message) for p in patterns(criterion.spec)), (criterion.id, case.message)
        assert case.relative_error is None, (criterion.id, case.relative_error)
        seen += 1
    return seen


@pytest.mark.parametrize("bug", BUGS)
def test_every_hidden_message_of_a_classic_bug_is_a_phrase_of_the_fixed_vocabulary(bug):
    assert_fixed_vocabulary(graded_bug(bug))


@pytest.mark.parametrize("name", sorted(f"{p.parent.name}/{p.stem}" for p in UNCATALOGUED.glob("*/*.py")))
def test_every_hidden_message_of_a_bug_outside_the_catalogue_is_a_phrase_of_the_fixed_vocabulary(name):
    result = graded_uncatalogued(name)
    assert_fixed_vocabulary(result)
    for exercise in result.exercises:
        for entry in exercise.criteria:
            for case in entry.cases:
                if entry.visibility == "hidden" and case.remark:
                    assert re.fullmatch(r"[\w\[\]', ]+ agrees? with central differences only at larger steps: "
                                        r"\w+ loses precision \(float32\?\); compute it in float64", case.remark)


def test_every_hidden_message_of_the_stubs_is_a_phrase_of_the_fixed_vocabulary():
    assert assert_fixed_vocabulary(grade(STUBS_DIR, list(RUBRICS.values()), identity="stubs")) > 100


def test_a_submission_that_chooses_its_failures_from_the_hidden_input_says_nothing_through_them(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": PAYLOADS / "conv_channels_through_words.py"})
    shutil.copyfile(REFERENCE_DIR / "conv.py", submission / "reference_conv.py")
    rubrics = [RUBRICS["conv"]]
    results = [grade(submission, rubrics, identity=f"student{k}", secret=Secret(b"words", "test")) for k in range(3)]
    for result in results:
        assert assert_fixed_vocabulary(result) > 5
    messages = {case.message for result in results for _, case in hidden_messages(result)}
    words = [re.sub(r"conv2d_(forward|backward)", "", message) for message in messages]
    assert not [w for w in words if re.search(r"\d|Error|float32|int64|complex|shape|dtype", w)], messages
    public = [case.message for e in results[0].exercises for c in e.criteria if c.visibility == "public"
              for case in c.cases if not case.passed]
    assert any("Error" in message or "dtype" in message for message in public), "public cases keep their detail"
