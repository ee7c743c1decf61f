"""The reference max and average pooling against ``torch.nn.functional`` and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.pooling import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional

POOLS = {
    "max": (max_pool2d_forward, max_pool2d_backward, F.max_pool2d),
    "avg": (avg_pool2d_forward, avg_pool2d_backward, F.avg_pool2d),
}


def _pool(kind: str, x: np.ndarray, kernel_size, stride, dout: np.ndarray | None = None):
    """Our forward output, and the backward's dx for ``dout`` (random when None)."""
    forward, backward, _ = POOLS[kind]
    out, cache = forward(x, kernel_size, stride)
    if dout is None:
        dout = np.random.default_rng(1).normal(size=out.shape)
    return out, backward(dout, cache), dout


def _assert_pool_matches_torch(kind: str, x: np.ndarray, kernel_size, stride) -> None:
    """Forward output and dx agree with torch (no padding) within 1e-10, and are float64."""
    out, dx, dout = _pool(kind, x, kernel_size, stride)
    x_torch = tensor(x)
    expected = POOLS[kind][2](x_torch, kernel_size, stride)
    expected.backward(tensor(dout, requires_grad=False))
    label = f"{kind} pool of x {x.shape}, kernel_size {kernel_size}, stride {stride}:"
    assert_matches_torch(out, expected, f"{label} out")
    assert_matches_torch(dx, x_torch.grad, f"{label} dx")
    assert out.dtype == dx.dtype == np.float64, f"{label} dtypes {out.dtype}, {dx.dtype}"


def _pairs(kernel_size, stride) -> tuple[tuple[int, int], tuple[int, int]]:
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    stride = kernel if stride is None else (stride, stride) if isinstance(stride, int) else tuple(stride)
    return kernel, stride


GRID = [(2, 2), (3, 2), ((2, 3), (1, 2)), (2, None), ((3, 2), None), (3, 1)]
GRID_IDS = ["k2s2", "k3s2-overlapping", "k2x3s1x2", "k2-stride-None", "k3x2-stride-None", "k3s1-overlapping"]


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("kernel_size, stride", GRID, ids=GRID_IDS)
@pytest.mark.parametrize("x_shape", [(1, 3, 8, 8), (2, 4, 7, 10)], ids=["N1-square", "non-square"])
def test_pool_forward_and_backward_match_torch_on_kernel_stride_grid(rng, kind, kernel_size, stride, x_shape) -> None:
    _assert_pool_matches_torch(kind, rng.normal(size=x_shape), kernel_size, stride)


@pytest.mark.parametrize("kernel_size, stride", GRID, ids=GRID_IDS)
def test_max_pool_with_ties_matches_torch_which_picks_the_first_maximum(rng, kernel_size, stride) -> None:
    # Integers from {0, 1, 2}: almost every window holds a tied maximum.
    _assert_pool_matches_torch("max", rng.integers(0, 3, size=(2, 3, 9, 8)).astype(np.float64), kernel_size, stride)


@pytest.mark.parametrize("kernel_size, stride", GRID, ids=GRID_IDS)
def test_max_pool_of_a_constant_input_routes_each_gradient_to_the_window_top_left(kernel_size, stride) -> None:
    x = np.full((1, 2, 7, 8), 3.0)
    _assert_pool_matches_torch("max", x, kernel_size, stride)
    (kh, kw), (sh, sw) = _pairs(kernel_size, stride)
    out, dx, dout = _pool("max", x, kernel_size, stride)
    expected = np.zeros_like(x)
    ho, wo = out.shape[2:]
    for i in range(ho):  # a plain loop: the obvious, independent statement of the rule
        for j in range(wo):
            expected[:, :, i * sh, j * sw] += dout[:, :, i, j]
    np.testing.assert_array_equal(dx, expected)


def test_max_pool_tie_goes_to_the_first_maximum_in_row_major_order_not_column_major() -> None:
    x = np.array([[[[0.0, 5.0], [5.0, 0.0]]]])
    out, dx, _ = _pool("max", x, 2, None, dout=np.array([[[[7.0]]]]))
    np.testing.assert_array_equal(out, [[[[5.0]]]])
    np.testing.assert_array_equal(dx, [[[[0.0, 7.0], [0.0, 0.0]]]])


def test_max_pool_overlapping_windows_add_their_gradients_on_a_shared_maximum() -> None:
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 9.0  # the maximum of all four 2x2 windows at stride 1
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    _, dx, _ = _pool("max", x, 2, 1, dout=dout)
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 10.0
    np.testing.assert_array_equal(dx, expected)
    _assert_pool_matches_torch("max", x, 2, 1)


def test_avg_pool_overlapping_windows_add_their_shares() -> None:
    _, dx, _ = _pool("avg", np.zeros((1, 1, 3, 3)), 2, 1, dout=np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(dx, np.array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]) / 4)


def test_pool_backward_gives_zero_to_rows_and_columns_no_window_reaches(rng) -> None:
    x = rng.normal(size=(2, 2, 7, 9))  # kernel 2, stride 2: row 6 and column 8 are in no window
    for kind in POOLS:
        _, dx, _ = _pool(kind, x, 2, None)
        assert np.all(dx[:, :, 6, :] == 0) and np.all(dx[:, :, :, 8] == 0), f"{kind}: uncovered pixels got a gradient"
        _assert_pool_matches_torch(kind, x, 2, None)


@st.composite
def pool_cases(draw: st.DrawFn) -> tuple:
    """A random pooling problem whose input holds small integers, so maxima are often tied."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kernel = (draw(st.integers(1, min(h, 4))), draw(st.integers(1, min(w, 4))))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).integers(-2, 3, size=(n, c, h, w)).astype(np.float64)
    return x, kernel, stride


@settings(max_examples=30, deadline=None)
@given(case=pool_cases(), kind=st.sampled_from(sorted(POOLS)))
def test_pool_forward_and_backward_match_torch_on_random_shapes_with_ties(case, kind) -> None:
    x, kernel_size, stride = case
    _assert_pool_matches_torch(kind, x, kernel_size, stride)


@pytest.mark.parametrize("kind", POOLS)
def test_pool_forward_and_backward_leave_their_inputs_unmodified(rng, kind) -> None:
    x = rng.integers(0, 3, size=(2, 3, 7, 8)).astype(np.float64)
    x_before = x.copy()
    forward, backward, _ = POOLS[kind]
    out, cache = forward(x, 3, 2)
    dout = rng.normal(size=out.shape)
    dout_before = dout.copy()
    first, second = backward(dout, cache), backward(dout, cache)
    np.testing.assert_array_equal(x, x_before, err_msg="x was modified in place")
    np.testing.assert_array_equal(dout, dout_before, err_msg="dout was modified in place")
    np.testing.assert_array_equal(first, second, err_msg="a second backward on the same cache gives another result")


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize(
    "x_shape, kernel_size, stride, message",
    [
        ((3, 6, 6), 2, None, "x must be 4-D"),
        ((1, 2, 3, 6, 6), 2, None, "x must be 4-D"),
        ((1, 1, 6, 6), 0, None, "kernel_size must be positive"),
        ((1, 1, 6, 6), (2, 0), None, "kernel_size must be positive"),
        ((1, 1, 6, 6), 2.0, None, "kernel_size must be an int or a pair of ints"),
        ((1, 1, 6, 6), True, None, "kernel_size must be an int or a pair of ints"),
        ((1, 1, 6, 6), (2, 2, 2), None, "kernel_size must be an int or a pair of ints"),
        ((1, 1, 6, 6), 2, 0, "stride must be positive"),
        ((1, 1, 6, 6), 2, (1, -1), "stride must be positive"),
        ((1, 1, 6, 6), 2, True, "stride must be an int or a pair of ints"),
        ((1, 1, 6, 6), 2, "1", "stride must be an int or a pair of ints"),
        ((1, 1, 6, 6), 7, None, "larger than the input"),
        ((1, 1, 6, 4), (3, 5), 1, "larger than the input"),
    ],
)
def test_pool_forward_rejects_invalid_arguments_with_a_message(kind, x_shape, kernel_size, stride, message) -> None:
    forward = POOLS[kind][0]
    with pytest.raises(ValueError, match=message):
        forward(np.zeros(x_shape), kernel_size, stride)


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("dout_shape", [(2, 3, 3, 4), (2, 3, 4, 3), (3, 2, 3, 3), (2, 3, 3, 3, 1)])
def test_pool_backward_rejects_dout_of_another_shape_than_the_output(kind, dout_shape) -> None:
    forward, backward, _ = POOLS[kind]
    out, cache = forward(np.zeros((2, 3, 7, 7)), 3, 2)
    assert out.shape == (2, 3, 3, 3)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape .*\(2, 3, 3, 3\)"):
        backward(np.zeros(dout_shape), cache)
