"""The function kinds beyond layers: functions returning numbers, tuples of ints and lists of arrays.

A loss returns a float beside its gradient, a shape function a tuple of ints, gradient clipping a
list of arrays from a list argument. Diagnosis compares their values the way the checks do, and
``inputs_unmodified`` sees a list argument changed in place.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge.checks.properties import _changed
from autograder.judge.diagnosis import agrees, arguments, explains


@pytest.mark.parametrize("value, model, expected", [
    (3, 3, True),
    (np.int64(3), 3, True),
    (4, 3, False),
    (3.0, 3, False),          # a float where the contract asks an int: the checks refuse it too
    (True, 1, False),         # a bool is no int
    (True, True, True),
    (1.0 + 1e-9, 1.0, True),
    (1.1, 1.0, False),
    (np.float64(2.5), 2.5, True),
    (np.array(2.5), 2.5, False),  # a 0-d array is no number: numpy scalar or 0-d array can be the mistake
    (np.array([2.5]), 2.5, False),
    (float("nan"), float("nan"), True),
    (float("inf"), float("inf"), True),
    (float("inf"), float("nan"), False),
    (1.0, float("nan"), False),
    ((4, 5, 6), (4, 5, 6), True),
    ((4, 5, 7), (4, 5, 6), False),
    ([np.ones(2), np.array(1.0)], [np.ones(2), np.array(1.0)], True),
    ([np.ones(2), np.float64(1.0)], [np.ones(2), np.array(1.0)], False),  # a numpy scalar is no 0-d ndarray
    (np.array([2, 0, 1]), np.array([2, 0, 1], dtype=np.int32), True),  # integer labels compare exactly
    (np.array([2, 0, 2]), np.array([2, 0, 1]), False),
    (np.array([2.0, 0.0, 1.0]), np.array([2, 0, 1]), False),
    (np.array([True, False]), np.array([True, False]), True),
])
def test_diagnosis_compares_numbers_as_the_checks_do(value, model, expected):
    assert agrees(value, model, 1e-6) is expected


def explained(actual, bug, reference, tolerance: float) -> bool:
    return explains(actual, bug, reference, tolerance) == "exactly"


def test_a_bug_returning_other_integers_or_another_float_is_recognised_from_them():
    reference = {"shape": (8, 5, 5)}
    bug = {"shape": (8, 4, 4)}
    assert explained({"shape": (8, 4, 4)}, bug, reference, 1e-6)
    assert not explained({"shape": (8, 6, 6)}, bug, reference, 1e-6)
    assert not explained(reference, bug, reference, 1e-6)
    loss_reference, loss_bug = {"loss": 1.25, "dlogits": np.ones(3)}, {"loss": 5.0, "dlogits": np.ones(3)}
    assert explained({"loss": 5.0, "dlogits": np.ones(3)}, loss_bug, loss_reference, 1e-6)
    assert not explained({"loss": 5.0, "dlogits": np.zeros(3)}, loss_bug, loss_reference, 1e-6), \
        "a wrong value the bug gets right rules the bug out"


def test_an_argument_changed_in_place_beside_integer_labels_left_alone_shows_the_bug():
    labels, logits = np.array([1, 0, 2]), np.zeros((3, 3))
    reference = {"logits": logits, "y": labels}
    bug = {"logits": logits - 1, "y": labels.copy()}
    assert explained({"logits": logits - 1, "y": labels.copy()}, bug, reference, 1e-6)


def test_a_list_argument_changed_in_place_is_seen_item_by_item():
    before = [[np.ones(2), np.array(3.0)], [(3, 1), (5, 2)]]
    scaled = [[np.ones(2) / 2, np.array(3.0)], [(3, 1), (5, 2)]]
    assert _changed(["grads", "layers"], before, scaled) == ["grads[0]"]
    assert _changed(["grads", "layers"], before, [before[0], [(5, 2), (3, 1)]]) == ["layers[0]", "layers[1]"]
    assert _changed(["grads", "layers"], before, [before[0][:1], before[1]]) == ["grads (its items)"]
    assert _changed(["grads", "layers"], before, [list(before[0]), list(before[1])]) == []
    assert arguments(("grads", "max_norm", "shape"), [before[0], 1.0, (3, 4)]).keys() == {"grads"}


def test_a_0d_array_never_shows_the_symptom_of_a_numpy_scalar_nor_the_other_way_round():
    reference = {"clipped": [np.ones(2), np.array(0.5)]}
    bug = {"clipped": [np.ones(2), np.float64(0.5)]}
    assert explained(bug, bug, reference, 1e-9)
    assert not explained(reference, bug, reference, 1e-9)
