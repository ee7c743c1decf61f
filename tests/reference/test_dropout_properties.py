"""The reference dropout, checked by its properties.

PyTorch draws its mask from another random stream, so values cannot be compared with
``torch.nn.functional.dropout``; instead every property the contract states is checked.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from reference.dropout import dropout_backward, dropout_forward


def _nonzero_input(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values bounded away from zero, so a zero in the output can only be a dropped unit."""
    return rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def test_evaluation_mode_is_the_identity_forward_and_backward(rng):
    x = rng.normal(size=(4, 5, 3))
    dout = rng.normal(size=x.shape)
    out, cache = dropout_forward(x, p=0.7, train=False, rng=rng)
    assert out.dtype == np.float64 and out.shape == x.shape
    np.testing.assert_array_equal(out, x)
    assert not np.shares_memory(out, x), "evaluation mode must return a new array, not x itself"
    dx = dropout_backward(dout, cache)
    np.testing.assert_array_equal(dx, dout)
    assert not np.shares_memory(dx, dout)


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.8, 0.95])
def test_fraction_of_zeros_is_within_five_binomial_standard_deviations_of_p(p):
    n = 100_000
    x = np.ones(n)
    out, _ = dropout_forward(x, p=p, rng=np.random.default_rng(1))
    zeros = int(np.sum(out == 0))
    std = math.sqrt(n * p * (1 - p))
    assert abs(zeros - n * p) <= 5 * std, f"{zeros} zeros out of {n}, expected {n * p:.0f} +- {5 * std:.0f}"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_kept_values_equal_x_divided_by_keep_probability(rng, p):
    x = _nonzero_input(rng, (50, 40))
    out, _ = dropout_forward(x, p=p, rng=rng)
    kept = out != 0
    assert 0 < kept.sum() < x.size
    np.testing.assert_allclose(out[kept], x[kept] / (1 - p), rtol=1e-15, atol=0)


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_backward_passes_scaled_gradient_exactly_where_the_forward_kept_units(rng, p):
    x = _nonzero_input(rng, (8, 6, 5))
    dout = _nonzero_input(rng, x.shape)
    out, cache = dropout_forward(x, p=p, rng=rng)
    dx = dropout_backward(dout, cache)
    kept = out != 0
    assert dx.shape == x.shape and dx.dtype == np.float64
    np.testing.assert_allclose(dx[kept], dout[kept] / (1 - p), rtol=1e-15, atol=0)
    np.testing.assert_array_equal(dx[~kept], 0.0)


def test_equal_generator_states_give_equal_masks(rng):
    x = _nonzero_input(rng, (30, 30))
    out_a, _ = dropout_forward(x, p=0.5, rng=np.random.default_rng(1234))
    out_b, _ = dropout_forward(x, p=0.5, rng=np.random.default_rng(1234))
    np.testing.assert_array_equal(out_a, out_b)

    generator = np.random.default_rng(99)
    state = generator.bit_generator.state
    out_c, _ = dropout_forward(x, p=0.5, rng=generator)
    generator.bit_generator.state = state
    out_d, _ = dropout_forward(x, p=0.5, rng=generator)
    np.testing.assert_array_equal(out_c, out_d)


def test_different_seeds_give_different_masks(rng):
    x = _nonzero_input(rng, (30, 30))
    out_a, _ = dropout_forward(x, p=0.5, rng=np.random.default_rng(1))
    out_b, _ = dropout_forward(x, p=0.5, rng=np.random.default_rng(2))
    assert not np.array_equal(out_a != 0, out_b != 0)


def test_successive_calls_on_one_generator_draw_new_masks(rng):
    x = _nonzero_input(rng, (30, 30))
    out_a, _ = dropout_forward(x, p=0.5, rng=rng)
    out_b, _ = dropout_forward(x, p=0.5, rng=rng)
    assert not np.array_equal(out_a != 0, out_b != 0)


def test_rng_none_uses_a_fresh_generator(rng):
    x = _nonzero_input(rng, (20, 20))
    out, _ = dropout_forward(x, p=0.5)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 2 * x[kept], rtol=1e-15, atol=0)
    assert 0 < kept.sum() < x.size


def test_p_zero_in_training_is_the_identity(rng):
    x = rng.normal(size=(6, 7))
    dout = rng.normal(size=x.shape)
    out, cache = dropout_forward(x, p=0.0, rng=rng)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout_backward(dout, cache), dout)


def test_p_one_gives_zeros_and_zero_gradient_without_warnings(rng):
    x = rng.normal(size=(6, 7))
    dout = rng.normal(size=x.shape)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out, cache = dropout_forward(x, p=1.0, rng=rng)
        dx = dropout_backward(dout, cache)
    np.testing.assert_array_equal(out, np.zeros_like(x))
    np.testing.assert_array_equal(dx, np.zeros_like(x))
    assert out.dtype == dx.dtype == np.float64


@pytest.mark.parametrize("p", [-0.1, 1.0001, 2, float("nan"), float("inf"), "0.5", None, [0.5]])
@pytest.mark.parametrize("train", [True, False])
def test_probability_outside_unit_interval_or_not_a_number_raises(rng, p, train):
    with pytest.raises(ValueError, match="p"):
        dropout_forward(np.ones((2, 3)), p=p, train=train, rng=rng)


@pytest.mark.parametrize("p", [0, 1, np.float64(0.3), np.float32(0.5)])
def test_integer_and_numpy_probabilities_are_accepted(rng, p):
    out, _ = dropout_forward(np.ones((2, 3)), p=p, rng=rng)
    assert out.shape == (2, 3) and out.dtype == np.float64


@pytest.mark.parametrize("bad_rng", [42, np.random.RandomState(0), "seed"])
def test_rng_that_is_not_a_numpy_generator_raises(bad_rng):
    with pytest.raises(ValueError, match="Generator"):
        dropout_forward(np.ones((2, 3)), p=0.5, rng=bad_rng)


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4, 5)])
def test_output_and_gradient_have_the_input_shape_and_float64(rng, shape):
    x = rng.normal(size=shape)
    out, cache = dropout_forward(x, p=0.4, rng=rng)
    dx = dropout_backward(rng.normal(size=shape), cache)
    assert out.shape == dx.shape == shape
    assert out.dtype == dx.dtype == np.float64


@pytest.mark.parametrize("train", [True, False])
def test_no_input_is_modified_in_place(rng, train):
    x = rng.normal(size=(5, 6))
    dout = rng.normal(size=x.shape)
    x_before, dout_before = x.copy(), dout.copy()
    out, cache = dropout_forward(x, p=0.5, train=train, rng=rng)
    dx = dropout_backward(dout, cache)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)
    assert not np.shares_memory(out, x) and not np.shares_memory(dx, dout)
