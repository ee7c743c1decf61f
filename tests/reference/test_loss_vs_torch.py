"""The reference loss and clipping against ``F.cross_entropy`` (with autograd) and ``clip_grad_norm_``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.loss import clip_grad_norm, softmax_cross_entropy

torch = pytest.importorskip("torch")
F = torch.nn.functional

RELATIVE_ERROR = 1e-12
"""How close a float (a loss of up to 10^4, a norm) must be to torch's, relative to its size."""


def _assert_close(actual: float, expected: float, what: str) -> None:
    assert type(actual) is float, f"{what}: expected a Python float, got {type(actual).__name__}"
    error = abs(actual - expected) / max(abs(expected), 1.0)
    assert error <= RELATIVE_ERROR, f"{what}: {actual!r}, torch gives {expected!r} (relative error {error:.3g})"


# -- softmax cross-entropy ------------------------------------------------------------------------


def _assert_loss_matches_torch(logits: np.ndarray, y: np.ndarray) -> None:
    """The loss (mean reduction) and dlogits agree with torch's cross_entropy and its autograd."""
    loss, dlogits = softmax_cross_entropy(logits, y)
    logits_torch = tensor(logits)
    expected = F.cross_entropy(logits_torch, torch.tensor(y, dtype=torch.int64), reduction="mean")
    expected.backward()
    label = f"logits {logits.shape} of magnitude {np.max(np.abs(logits)):.3g}, y {y.tolist()}:"
    _assert_close(loss, expected.item(), f"{label} loss")
    assert_matches_torch(dlogits, logits_torch.grad, f"{label} dlogits")
    assert dlogits.dtype == np.float64 and np.all(np.isfinite(dlogits)), label


@st.composite
def loss_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Logits of every magnitude up to 10^4 (shifted or not) and integer labels of some dtype."""
    n, k = draw(st.integers(1, 6)), draw(st.integers(1, 7))
    scale = draw(st.sampled_from([1.0, 30.0, 1e3, 1e4]))
    offset = draw(st.sampled_from([0.0, 1e4, -1e4]))
    dtype = draw(st.sampled_from([np.int64, np.int32, np.uint8]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    logits = np.clip(rng.uniform(-1, 1, (n, k)) * scale + offset, -1e4, 1e4)
    return logits, rng.integers(0, k, n).astype(dtype)


@settings(max_examples=60, deadline=None)
@given(case=loss_cases())
def test_loss_and_gradient_match_torch_on_random_batches_with_logits_up_to_1e4(case) -> None:
    _assert_loss_matches_torch(*case)


@pytest.mark.parametrize("n, k", [(1, 1), (4, 1), (1, 2), (1, 5), (6, 4), (3, 10)])
def test_loss_matches_torch_on_single_examples_single_classes_and_small_batches(rng, n, k) -> None:
    _assert_loss_matches_torch(rng.normal(size=(n, k)) * 3, rng.integers(0, k, n))


def test_loss_of_extreme_logits_is_exact_where_the_softmax_underflows() -> None:
    # The correct class 2*10^4 below the maximum: softmax underflows to 0 there, its log is -inf,
    # but the loss is exactly the gap.
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    loss, dlogits = softmax_cross_entropy(logits, np.array([1, 0]))
    assert loss == pytest.approx((2e4 + 2e4 + math.log(2)) / 2, rel=1e-15)
    np.testing.assert_allclose(dlogits, [[0.5, -0.5, 0.0], [-0.5, 0.25, 0.25]], atol=1e-15)
    _assert_loss_matches_torch(logits, np.array([1, 0]))


def test_loss_does_not_change_when_every_logit_of_a_row_moves_by_the_same_amount(rng) -> None:
    logits, y = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    loss, dlogits = softmax_cross_entropy(logits, y)
    shifted_loss, shifted_dlogits = softmax_cross_entropy(logits + rng.uniform(-1e4, 1e4, (5, 1)), y)
    assert shifted_loss == pytest.approx(loss, abs=1e-11)
    np.testing.assert_allclose(shifted_dlogits, dlogits, atol=1e-12)


def test_loss_with_every_label_the_same_class_and_a_single_class(rng) -> None:
    _assert_loss_matches_torch(rng.normal(size=(6, 4)), np.full(6, 3))
    loss, dlogits = softmax_cross_entropy(rng.normal(size=(3, 1)) * 1e4, np.zeros(3, dtype=np.int64))
    assert loss == 0.0 and np.all(dlogits == 0)


def test_loss_leaves_logits_and_labels_unmodified(rng) -> None:
    logits, y = rng.normal(size=(4, 5)) * 1e4, rng.integers(0, 5, 4)
    before = logits.copy(), y.copy()
    softmax_cross_entropy(logits, y)
    np.testing.assert_array_equal(logits, before[0])
    np.testing.assert_array_equal(y, before[1])


@pytest.mark.parametrize("logits_shape, y, message", [
    ((5,), np.zeros(5, dtype=np.int64), "logits must be 2-D"),
    ((2, 3, 4), np.zeros(2, dtype=np.int64), "logits must be 2-D"),
    ((0, 3), np.zeros(0, dtype=np.int64), "at least one row and one column"),
    ((2, 0), np.zeros(2, dtype=np.int64), "at least one row and one column"),
    ((2, 3), np.array([0.0, 1.0]), "integer ndarray"),
    ((2, 3), np.array([True, False]), "integer ndarray"),
    ((2, 3), [0, 1], "integer ndarray"),
    ((2, 3), np.zeros((2, 1), dtype=np.int64), r"y must have shape \(N,\) = \(2,\)"),
    ((2, 3), np.zeros(3, dtype=np.int64), r"y must have shape \(N,\) = \(2,\)"),
    ((2, 3), np.array([0, 3]), r"labels must lie in \[0, K\) = \[0, 3\); found 3 at index 1"),
    ((2, 3), np.array([-1, 0]), r"labels must lie in \[0, K\) = \[0, 3\); found -1 at index 0"),
])
def test_loss_rejects_invalid_logits_and_labels_with_a_message(logits_shape, y, message) -> None:
    with pytest.raises(ValueError, match=message):
        softmax_cross_entropy(np.zeros(logits_shape), y)


# -- gradient clipping -----------------------------------------------------------------------------


def _torch_clip(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """What ``torch.nn.utils.clip_grad_norm_`` makes of parameters whose gradients are ``grads``."""
    parameters = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for parameter, g in zip(parameters, grads):
        parameter.grad = tensor(g, requires_grad=False)
    total_norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm)
    return [p.grad.numpy() for p in parameters], float(total_norm)


def _assert_clip_matches_torch(grads: list[np.ndarray], max_norm: float) -> None:
    """The clipped gradients and the total norm agree with torch; the inputs stay as they were."""
    before = [g.copy() for g in grads]
    clipped, total_norm = clip_grad_norm(grads, max_norm)
    expected, expected_norm = _torch_clip(grads, max_norm)
    label = f"gradients of shapes {[g.shape for g in grads]}, max_norm {max_norm!r}:"
    _assert_close(total_norm, expected_norm, f"{label} total_norm")
    assert type(clipped) is list and len(clipped) == len(grads), label
    for k, (ours, theirs) in enumerate(zip(clipped, expected)):
        assert type(ours) is np.ndarray and ours.dtype == np.float64, f"{label} clipped[{k}] is {type(ours).__name__}"
        assert_matches_torch(ours, theirs, f"{label} clipped[{k}]")
    for k, (g, old) in enumerate(zip(grads, before)):
        np.testing.assert_array_equal(g, old, err_msg=f"{label} grads[{k}] was modified in place")


@st.composite
def clip_cases(draw: st.DrawFn) -> tuple[list[np.ndarray], float]:
    """Lists of gradients of any rank (0-d ones included) and a max_norm below, at or above their norm."""
    shapes = draw(st.lists(st.lists(st.integers(1, 4), max_size=3).map(tuple), max_size=5))
    scale = draw(st.sampled_from([1e-5, 1e-2, 1.0, 1e3]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    grads = [np.asarray(rng.normal(size=shape) * scale) for shape in shapes]  # 0-d: an array, not a scalar
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    ratio = draw(st.sampled_from([0.01, 0.5, 1.0, 2.0]))
    return grads, (norm * ratio if norm > 0 else ratio)


@settings(max_examples=60, deadline=None)
@given(case=clip_cases())
def test_clipping_matches_torch_on_lists_of_gradients_of_every_rank(case) -> None:
    _assert_clip_matches_torch(*case)


def test_clipping_at_exactly_max_norm_scales_by_a_hair_as_torch_does() -> None:
    grads = [np.array([3.0, 4.0])]
    clipped, total_norm = clip_grad_norm(grads, 5.0)
    assert total_norm == 5.0
    np.testing.assert_array_equal(clipped[0], grads[0] * (5.0 / (5.0 + 1e-6)))
    assert clipped[0][0] < 3.0
    _assert_clip_matches_torch(grads, 5.0)


def test_clipping_below_max_norm_returns_equal_new_arrays_and_keeps_0d_gradients_arrays(rng) -> None:
    grads = [rng.normal(size=(2, 3)), np.array(0.5), rng.normal(size=4)]
    clipped, _ = clip_grad_norm(grads, 1e3)
    for g, c in zip(grads, clipped):
        assert type(c) is np.ndarray and c.shape == g.shape and c is not g and not np.shares_memory(c, g)
        np.testing.assert_array_equal(c, g)
    _assert_clip_matches_torch(grads, 1e3)


def test_clipping_of_a_single_0d_gradient_and_of_tiny_gradients_matches_torch(rng) -> None:
    _assert_clip_matches_torch([np.array(-3.0)], 0.5)
    _assert_clip_matches_torch([rng.normal(size=(3, 2)) * 1e-4, np.array(2e-5)], 1e-5)


def test_clipping_an_empty_list_gives_an_empty_list_and_norm_zero() -> None:
    assert clip_grad_norm([], 1.0) == ([], 0.0)
    assert _torch_clip([], 1.0) == ([], 0.0)


@pytest.mark.parametrize("grads, max_norm, message", [
    ([np.ones(2)], 0.0, "max_norm must be a positive number"),
    ([np.ones(2)], -1.0, "max_norm must be a positive number"),
    ([np.ones(2)], float("nan"), "max_norm must be a positive number"),
    ([np.ones(2)], True, "max_norm must be a positive number"),
    ([np.ones(2)], "1", "max_norm must be a positive number"),
    (np.ones(2), 1.0, "grads must be a list of arrays"),
    ([np.ones(2), 3.0], 1.0, r"grads\[1\] must be an ndarray"),
])
def test_clipping_rejects_a_non_positive_max_norm_and_other_arguments_with_a_message(grads, max_norm, message):
    with pytest.raises(ValueError, match=message):
        clip_grad_norm(grads, max_norm)
