"""The reference batch normalization against ``torch.nn.functional.batch_norm`` and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.batchnorm import (
    batchnorm_backward,
    batchnorm_forward,
    spatial_batchnorm_backward,
    spatial_batchnorm_forward,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _case(rng: np.random.Generator, x_shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """x with an offset and a scale per feature (axis 1), and parameters for its axis 1."""
    d = x_shape[1]
    feature_shape = (1, d) + (1,) * (len(x_shape) - 2)
    return {
        "x": rng.normal(size=x_shape) * rng.uniform(0.5, 3.0, size=feature_shape) + rng.normal(size=feature_shape) * 2,
        "gamma": rng.normal(size=d),
        "beta": rng.normal(size=d),
        "running_mean": rng.normal(size=d),
        "running_var": rng.uniform(0.5, 2.0, size=d),
        "dout": rng.normal(size=x_shape),
    }


def _numpy_run(forward, backward, case: dict, train: bool, momentum: float, eps: float):
    out, running_mean, running_var, cache = forward(
        case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"], train, momentum, eps
    )
    dx, dgamma, dbeta = backward(case["dout"], cache)
    return out, running_mean, running_var, dx, dgamma, dbeta


def _torch_run(case: dict, train: bool, momentum: float, eps: float):
    """torch's output, running statistics (updated in place by torch) and autograd gradients."""
    x, gamma, beta = tensor(case["x"]), tensor(case["gamma"]), tensor(case["beta"])
    running_mean = tensor(case["running_mean"], requires_grad=False)
    running_var = tensor(case["running_var"], requires_grad=False)
    out = F.batch_norm(x, running_mean, running_var, gamma, beta, training=train, momentum=momentum, eps=eps)
    out.backward(tensor(case["dout"], requires_grad=False))
    return out, running_mean, running_var, x.grad, gamma.grad, beta.grad


NAMES = ("out", "running_mean", "running_var", "dx", "dgamma", "dbeta")


def _assert_all_match(ours, theirs, label: str) -> None:
    for name, actual, expected in zip(NAMES, ours, theirs):
        assert_matches_torch(actual, expected, f"{label} {name}")


@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("eps", [1e-5, 1e-2])
def test_training_output_running_statistics_and_gradients_match_torch(rng, momentum, eps):
    case = _case(rng, (7, 5))
    ours = _numpy_run(batchnorm_forward, batchnorm_backward, case, True, momentum, eps)
    _assert_all_match(ours, _torch_run(case, True, momentum, eps), f"train momentum={momentum} eps={eps}")


@pytest.mark.parametrize("momentum", [0.1, 1.0])
@pytest.mark.parametrize("eps", [1e-5, 1e-2])
def test_evaluation_output_and_gradients_match_torch_and_running_statistics_stay(rng, momentum, eps):
    case = _case(rng, (6, 4))
    ours = _numpy_run(batchnorm_forward, batchnorm_backward, case, False, momentum, eps)
    _assert_all_match(ours, _torch_run(case, False, momentum, eps), f"eval momentum={momentum} eps={eps}")
    np.testing.assert_array_equal(ours[1], case["running_mean"])
    np.testing.assert_array_equal(ours[2], case["running_var"])


def test_running_variance_update_uses_the_unbiased_batch_variance(rng):
    case = _case(rng, (4, 3))
    _, running_mean, running_var, _ = batchnorm_forward(
        case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"], momentum=1.0
    )
    np.testing.assert_allclose(running_mean, case["x"].mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(running_var, case["x"].var(axis=0, ddof=1), rtol=1e-13)


def test_training_output_is_normalized_with_the_biased_batch_variance(rng):
    case = _case(rng, (5, 3))
    ones, zeros = np.ones(3), np.zeros(3)
    out, *_ = batchnorm_forward(case["x"], ones, zeros, zeros, ones, eps=0.0)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-13)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0])
def test_spatial_forward_running_statistics_and_gradients_match_torch(rng, train, momentum):
    case = _case(rng, (3, 4, 5, 6))
    ours = _numpy_run(spatial_batchnorm_forward, spatial_batchnorm_backward, case, train, momentum, 1e-5)
    _assert_all_match(ours, _torch_run(case, train, momentum, 1e-5), f"spatial train={train} momentum={momentum}")


def test_spatial_training_with_one_image_of_several_pixels_matches_torch(rng):
    case = _case(rng, (1, 3, 2, 2))
    ours = _numpy_run(spatial_batchnorm_forward, spatial_batchnorm_backward, case, True, 0.1, 1e-5)
    _assert_all_match(ours, _torch_run(case, True, 0.1, 1e-5), "spatial N=1")


def test_spatial_batchnorm_equals_batchnorm_of_the_channel_last_matrix(rng):
    case = _case(rng, (2, 3, 4, 5))
    out, running_mean, running_var, _ = spatial_batchnorm_forward(
        case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"]
    )
    rows = case["x"].transpose(0, 2, 3, 1).reshape(-1, 3)
    out_rows, mean_rows, var_rows, _ = batchnorm_forward(
        rows, case["gamma"], case["beta"], case["running_mean"], case["running_var"]
    )
    np.testing.assert_array_equal(out, out_rows.reshape(2, 4, 5, 3).transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(running_mean, mean_rows)
    np.testing.assert_array_equal(running_var, var_rows)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 9),
    d=st.integers(1, 6),
    train=st.booleans(),
    momentum=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_batchnorm_matches_torch_for_any_shape(n, d, train, momentum, seed):
    case = _case(np.random.default_rng(seed), (n, d))
    ours = _numpy_run(batchnorm_forward, batchnorm_backward, case, train, momentum, 1e-5)
    _assert_all_match(ours, _torch_run(case, train, momentum, 1e-5), f"shape ({n}, {d}) train={train}")


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.integers(1, 5)).filter(
        lambda s: s[0] * s[2] * s[3] > 1
    ),
    train=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_spatial_batchnorm_matches_torch_for_any_shape(shape, train, seed):
    case = _case(np.random.default_rng(seed), shape)
    ours = _numpy_run(spatial_batchnorm_forward, spatial_batchnorm_backward, case, train, 0.1, 1e-5)
    _assert_all_match(ours, _torch_run(case, train, 0.1, 1e-5), f"spatial shape {shape} train={train}")


def test_training_with_a_single_example_raises_like_torch(rng):
    case = _case(rng, (1, 4))
    args = (case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"])
    with pytest.raises(ValueError, match="more than 1 value"):
        batchnorm_forward(*args, train=True)
    with pytest.raises(ValueError):
        F.batch_norm(tensor(case["x"]), tensor(case["running_mean"], False), tensor(case["running_var"], False),
                     training=True)


def test_evaluation_with_a_single_example_works_and_matches_torch(rng):
    case = _case(rng, (1, 4))
    ours = _numpy_run(batchnorm_forward, batchnorm_backward, case, False, 0.1, 1e-5)
    _assert_all_match(ours, _torch_run(case, False, 0.1, 1e-5), "eval N=1")


def test_spatial_training_with_a_single_value_per_channel_raises(rng):
    case = _case(rng, (1, 3, 1, 1))
    with pytest.raises(ValueError, match=r"N \* H \* W = 1"):
        spatial_batchnorm_forward(case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"])


@pytest.mark.parametrize(
    "name, value, pattern",
    [
        ("x", np.ones((2, 3, 1)), r"\(N, D\)"),
        ("gamma", np.ones(4), r"gamma must have shape \(3,\).*got shape \(4,\)"),
        ("beta", np.ones((3, 1)), r"beta must have shape \(3,\)"),
        ("running_mean", np.ones(2), r"running_mean must have shape \(3,\)"),
        ("running_var", np.ones(()), r"running_var must have shape \(3,\)"),
    ],
)
def test_mismatched_shapes_raise_with_the_expected_shape(rng, name, value, pattern):
    args = {"x": rng.normal(size=(4, 3)), "gamma": np.ones(3), "beta": np.zeros(3),
            "running_mean": np.zeros(3), "running_var": np.ones(3)}
    args[name] = value
    with pytest.raises(ValueError, match=pattern):
        batchnorm_forward(**args)


@pytest.mark.parametrize(
    "name, value, pattern",
    [
        ("x", np.ones((4, 3)), r"\(N, C, H, W\)"),
        ("gamma", np.ones(2), r"gamma must have shape \(3,\), one entry per channel"),
    ],
)
def test_spatial_mismatched_shapes_raise_with_the_expected_shape(rng, name, value, pattern):
    args = {"x": rng.normal(size=(2, 3, 4, 4)), "gamma": np.ones(3), "beta": np.zeros(3),
            "running_mean": np.zeros(3), "running_var": np.ones(3)}
    args[name] = value
    with pytest.raises(ValueError, match=pattern):
        spatial_batchnorm_forward(**args)


def test_backward_with_a_dout_of_the_wrong_shape_raises(rng):
    case = _case(rng, (4, 3))
    *_, cache = batchnorm_forward(case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"])
    with pytest.raises(ValueError, match=r"\(4, 3\)"):
        batchnorm_backward(np.ones((3, 4)), cache)


@pytest.mark.parametrize(
    "forward, backward, shape",
    [
        (batchnorm_forward, batchnorm_backward, (5, 3)),
        (spatial_batchnorm_forward, spatial_batchnorm_backward, (2, 3, 4, 4)),
    ],
)
@pytest.mark.parametrize("train", [True, False])
def test_no_input_is_modified_in_place_and_running_statistics_are_new_arrays(rng, forward, backward, shape, train):
    case = _case(rng, shape)
    before = {name: array.copy() for name, array in case.items()}
    out, running_mean, running_var, cache = forward(
        case["x"], case["gamma"], case["beta"], case["running_mean"], case["running_var"], train
    )
    backward(case["dout"], cache)
    for name, array in case.items():
        np.testing.assert_array_equal(array, before[name], err_msg=f"{name} was modified")
    assert running_mean is not case["running_mean"] and not np.shares_memory(running_mean, case["running_mean"])
    assert running_var is not case["running_var"] and not np.shares_memory(running_var, case["running_var"])
    assert out.dtype == running_mean.dtype == running_var.dtype == np.float64
