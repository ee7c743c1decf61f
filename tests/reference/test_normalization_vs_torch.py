"""The reference layer and group norm (``reference/normalization.py``) against ``F.layer_norm``, ``F.group_norm`` and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from torch_helpers import assert_matches_torch, tensor
from reference.normalization import groupnorm_backward, groupnorm_forward, layernorm_backward, layernorm_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional

SETTINGS = settings(max_examples=40, deadline=None, database=None)
EPS = st.sampled_from([1e-5, 1e-2, 0.5])
NAMES = ("out", "dx", "dgamma", "dbeta")


def _case(rng: np.random.Generator, x_shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """x with an offset and a scale per index of axis 1, parameters for axis 1, and an upstream gradient."""
    d = x_shape[1]
    feature_shape = (1, d) + (1,) * (len(x_shape) - 2)
    return {
        "x": rng.normal(size=x_shape) * rng.uniform(0.5, 3.0, size=feature_shape) + rng.normal(size=feature_shape) * 2,
        "gamma": rng.normal(size=d),
        "beta": rng.normal(size=d),
        "dout": rng.normal(size=x_shape),
    }


def _assert_all_match(ours, theirs, label: str) -> None:
    for name, actual, expected in zip(NAMES, ours, theirs):
        assert isinstance(actual, np.ndarray) and actual.dtype == np.float64, f"{label} {name}: not a float64 ndarray"
        assert_matches_torch(actual, expected, f"{label} {name}")


def _layernorm(case: dict, eps: float):
    out, cache = layernorm_forward(case["x"], case["gamma"], case["beta"], eps)
    return (out, *layernorm_backward(case["dout"], cache))


def _torch_layernorm(case: dict, eps: float):
    x, gamma, beta = tensor(case["x"]), tensor(case["gamma"]), tensor(case["beta"])
    out = F.layer_norm(x, (x.shape[1],), gamma, beta, eps)
    out.backward(tensor(case["dout"], requires_grad=False))
    return out, x.grad, gamma.grad, beta.grad


def _groupnorm(case: dict, groups: int, eps: float):
    out, cache = groupnorm_forward(case["x"], case["gamma"], case["beta"], groups, eps)
    return (out, *groupnorm_backward(case["dout"], cache))


def _torch_groupnorm(case: dict, groups: int, eps: float):
    x, gamma, beta = tensor(case["x"]), tensor(case["gamma"]), tensor(case["beta"])
    out = F.group_norm(x, groups, gamma, beta, eps)
    out.backward(tensor(case["dout"], requires_grad=False))
    return out, x.grad, gamma.grad, beta.grad


# ---------------------------------------------------------------- layer norm


@SETTINGS
@given(n=st.integers(1, 6), d=st.integers(1, 8), eps=EPS, seed=st.integers(0, 2**32 - 1))
def test_layernorm_forward_and_gradients_match_torch_for_any_shape(n, d, eps, seed):
    case = _case(np.random.default_rng(seed), (n, d))
    _assert_all_match(_layernorm(case, eps), _torch_layernorm(case, eps), f"layer norm ({n}, {d}) eps={eps}")


@pytest.mark.parametrize("shape", [(1, 5), (1, 1), (7, 1), (5, 5), (3, 64)], ids=["N1", "N1-D1", "D1", "square", "wide"])
def test_layernorm_matches_torch_on_edge_shapes(rng, shape):
    case = _case(rng, shape)
    _assert_all_match(_layernorm(case, 1e-5), _torch_layernorm(case, 1e-5), f"layer norm {shape}")


def test_layernorm_normalizes_every_row_with_its_biased_variance(rng):
    case = _case(rng, (4, 6))
    out, _ = layernorm_forward(case["x"], np.ones(6), np.zeros(6), eps=0.0)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-13)
    np.testing.assert_allclose(out.var(axis=1), 1.0, rtol=1e-13)


# ---------------------------------------------------------------- group norm


def one_value_in_all_groups(shape: tuple[int, ...], groups: int) -> bool:
    """Whether F.group_norm's wrapper refuses the input: N * (C // groups) * H * W == 1 (see the test below)."""
    n, c, h, w = shape
    return n * (c // groups) * h * w == 1


@st.composite
def group_shapes(draw):
    groups, per_group = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 3)), groups * per_group, draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    assume(not one_value_in_all_groups(shape, groups))
    return shape, groups


@SETTINGS
@given(shape_groups=group_shapes(), eps=EPS, seed=st.integers(0, 2**32 - 1))
def test_groupnorm_forward_and_gradients_match_torch_for_any_shape_and_groups(shape_groups, eps, seed):
    shape, groups = shape_groups
    case = _case(np.random.default_rng(seed), shape)
    _assert_all_match(_groupnorm(case, groups, eps), _torch_groupnorm(case, groups, eps),
                      f"group norm {shape} groups={groups} eps={eps}")


@pytest.mark.parametrize(
    "shape, groups",
    [((2, 6, 3, 3), 1), ((2, 6, 3, 3), 6), ((2, 6, 3, 3), 2), ((1, 4, 3, 5), 2), ((1, 3, 1, 1), 1),
     ((3, 8, 1, 1), 8), ((2, 8, 2, 7), 4)],
    ids=["groups-1", "groups-C", "groups-2", "N1-non-square", "one-pixel-groups-1", "1x1-groups-C", "non-square"],
)
def test_groupnorm_matches_torch_on_edge_shapes_including_groups_1_and_groups_c(rng, shape, groups):
    case = _case(rng, shape)
    _assert_all_match(_groupnorm(case, groups, 1e-5), _torch_groupnorm(case, groups, 1e-5),
                      f"group norm {shape} groups={groups}")


def test_groupnorm_of_groups_holding_one_value_gives_beta_as_torchs_group_norm_kernel(rng):
    """One image of 1x1 pixels with groups = C: every group holds one value, which normalizes to 0.

    F.group_norm's Python wrapper refuses this input with a check borrowed from batch norm
    ("more than 1 value per channel"), though N = 2 of the same images passes it; the kernel
    torch.group_norm computes it, and so does the reference (as layer norm of a single feature).
    """
    case = _case(rng, (1, 3, 1, 1))
    with pytest.raises(ValueError, match="more than 1 value"):
        F.group_norm(tensor(case["x"], False), 3)
    x, gamma, beta = tensor(case["x"]), tensor(case["gamma"]), tensor(case["beta"])
    out = torch.group_norm(x, 3, gamma, beta, 1e-5, False)
    out.backward(tensor(case["dout"], requires_grad=False))
    ours = _groupnorm(case, 3, 1e-5)
    _assert_all_match(ours, (out, x.grad, gamma.grad, beta.grad), "group norm (1, 3, 1, 1) groups=3")
    np.testing.assert_array_equal(ours[0].reshape(3), case["beta"])


def test_groupnorm_with_one_group_is_layer_norm_of_each_image_with_per_channel_parameters(rng):
    case = _case(rng, (3, 4, 2, 5))
    out, _ = groupnorm_forward(case["x"], case["gamma"], case["beta"], 1)
    flat, _ = layernorm_forward(case["x"].reshape(3, -1), np.ones(40), np.zeros(40))
    expected = flat.reshape(3, 4, 2, 5) * case["gamma"].reshape(1, 4, 1, 1) + case["beta"].reshape(1, 4, 1, 1)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)


def test_groupnorm_with_one_group_per_channel_is_instance_norm(rng):
    case = _case(rng, (2, 3, 4, 5))
    out, _ = groupnorm_forward(case["x"], case["gamma"], case["beta"], 3)
    expected = F.instance_norm(tensor(case["x"], False), weight=tensor(case["gamma"], False),
                               bias=tensor(case["beta"], False), eps=1e-5)
    assert_matches_torch(out, expected, "instance norm")


def test_groupnorm_groups_are_contiguous_blocks_of_channels(rng):
    case = _case(rng, (2, 6, 3, 3))
    out, _ = groupnorm_forward(case["x"], np.ones(6), np.zeros(6), 3, eps=0.0)
    blocks = out.reshape(2, 3, 2 * 3 * 3)
    np.testing.assert_allclose(blocks.mean(axis=2), 0.0, atol=1e-13)
    np.testing.assert_allclose(blocks.var(axis=2), 1.0, rtol=1e-13)


# ---------------------------------------------------------------- invalid arguments


@pytest.mark.parametrize(
    "groups, pattern",
    [(0, "at least 1"), (-2, "at least 1"), (4, "6 is not divisible by groups = 4"),
     (12, "6 is not divisible by groups = 12"), (2.0, "must be an integer"), (True, "must be an integer")],
)
def test_groupnorm_rejects_a_bad_number_of_groups_and_says_why(rng, groups, pattern):
    case = _case(rng, (2, 6, 2, 2))
    with pytest.raises(ValueError, match=pattern):
        groupnorm_forward(case["x"], case["gamma"], case["beta"], groups)


@pytest.mark.parametrize("groups", [4, 12])
def test_torch_rejects_the_groups_that_do_not_divide_c_too(rng, groups):
    case = _case(rng, (2, 6, 2, 2))
    with pytest.raises(RuntimeError):
        F.group_norm(tensor(case["x"], False), groups)


@pytest.mark.parametrize(
    "name, value, pattern",
    [("x", np.ones((2, 3, 1)), r"2-D with shape \(N, D\)"),
     ("gamma", np.ones(1), r"gamma must have shape \(3,\), one entry per feature \(D\).*got shape \(1,\)"),
     ("beta", np.ones((1, 3)), r"beta must have shape \(3,\)")],
)
def test_layernorm_rejects_mismatched_shapes_and_names_the_expected_shape(rng, name, value, pattern):
    args = {"x": rng.normal(size=(4, 3)), "gamma": np.ones(3), "beta": np.zeros(3)}
    args[name] = value
    with pytest.raises(ValueError, match=pattern):
        layernorm_forward(**args)


@pytest.mark.parametrize(
    "name, value, pattern",
    [("x", np.ones((4, 3, 3)), r"4-D with shape \(N, C, H, W\)"),
     ("gamma", np.ones(1), r"gamma must have shape \(4,\), one entry per channel \(C\)"),
     ("beta", np.ones(8), r"beta must have shape \(4,\)")],
)
def test_groupnorm_rejects_mismatched_shapes_and_names_the_expected_shape(rng, name, value, pattern):
    args = {"x": rng.normal(size=(2, 4, 3, 3)), "gamma": np.ones(4), "beta": np.zeros(4), "groups": 2}
    args[name] = value
    with pytest.raises(ValueError, match=pattern):
        groupnorm_forward(**args)


@pytest.mark.parametrize(
    "forward, backward, shape, extra",
    [(layernorm_forward, layernorm_backward, (4, 3), ()), (groupnorm_forward, groupnorm_backward, (2, 4, 3, 3), (2,))],
    ids=["layernorm", "groupnorm"],
)
def test_backward_rejects_a_dout_unlike_x(rng, forward, backward, shape, extra):
    case = _case(rng, shape)
    _, cache = forward(case["x"], case["gamma"], case["beta"], *extra)
    with pytest.raises(ValueError, match=r"dout must have the shape of the forward's x"):
        backward(np.ones(shape[::-1]), cache)


# ---------------------------------------------------------------- no side effects


@pytest.mark.parametrize(
    "forward, backward, shape, extra",
    [(layernorm_forward, layernorm_backward, (4, 3), ()), (groupnorm_forward, groupnorm_backward, (2, 4, 3, 3), (2,))],
    ids=["layernorm", "groupnorm"],
)
def test_no_input_is_modified_and_a_second_backward_gives_the_same_gradients(rng, forward, backward, shape, extra):
    case = _case(rng, shape)
    before = {name: array.copy() for name, array in case.items()}
    _, cache = forward(case["x"], case["gamma"], case["beta"], *extra)
    first = backward(case["dout"], cache)
    second = backward(case["dout"], cache)
    for name, array in case.items():
        np.testing.assert_array_equal(array, before[name], err_msg=f"{name} was modified")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
