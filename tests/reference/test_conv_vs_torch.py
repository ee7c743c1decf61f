"""The reference convolution against ``torch.nn.functional.conv2d`` and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.conv import conv2d_backward, conv2d_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _as_pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _case(rng: np.random.Generator, x_shape: tuple, w_shape: tuple, stride, pad) -> dict:
    """Random x, w, b and a random upstream gradient of the output's shape."""
    (sh, sw), (ph, pw) = _as_pair(stride), _as_pair(pad)
    N, _, H, W = x_shape
    nf, _, KH, KW = w_shape
    out_shape = (N, nf, (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1)
    return {
        "x": rng.normal(size=x_shape),
        "w": rng.normal(size=w_shape),
        "b": rng.normal(size=nf),
        "dout": rng.normal(size=out_shape),
        "stride": stride,
        "pad": pad,
    }


def _assert_conv_matches_torch(case: dict) -> None:
    """Forward output and all three gradients agree with torch within 1e-10, and are float64."""
    out, cache = conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    dx, dw, db = conv2d_backward(case["dout"], cache)

    x, w, b = tensor(case["x"]), tensor(case["w"]), tensor(case["b"])
    expected = F.conv2d(x, w, b, stride=case["stride"], padding=case["pad"])
    expected.backward(tensor(case["dout"], requires_grad=False))

    label = f"x {case['x'].shape}, w {case['w'].shape}, stride {case['stride']}, pad {case['pad']}:"
    for name, actual, oracle in (("out", out, expected), ("dx", dx, x.grad), ("dw", dw, w.grad), ("db", db, b.grad)):
        assert_matches_torch(actual, oracle, f"{label} {name}")
        assert actual.dtype == np.float64, f"{label} {name} has dtype {actual.dtype}"


@pytest.mark.parametrize("stride", [1, 2, (1, 2)], ids=["stride1", "stride2", "stride1x2"])
@pytest.mark.parametrize("pad", [0, 1, (2, 1)], ids=["pad0", "pad1", "pad2x1"])
def test_conv_forward_and_backward_match_torch_on_strided_padded_grid(rng, stride, pad) -> None:
    # A non-square 3x2 kernel on a non-square 7x9 input, several channels in and out.
    _assert_conv_matches_torch(_case(rng, (2, 3, 7, 9), (4, 3, 3, 2), stride, pad))


def test_conv_matches_torch_on_a_single_image_with_many_channels(rng) -> None:
    _assert_conv_matches_torch(_case(rng, (1, 5, 6, 5), (6, 5, 2, 3), 1, 1))


@pytest.mark.parametrize("stride", [1, 2, (3, 1)])
def test_conv_matches_torch_when_the_kernel_equals_the_padded_input(rng, stride) -> None:
    # Padded input (4 + 2, 5 + 0) = (6, 5): one window, a 1x1 output.
    _assert_conv_matches_torch(_case(rng, (2, 3, 4, 5), (2, 3, 6, 5), stride, (1, 0)))


def test_conv_matches_torch_with_a_1x1_kernel(rng) -> None:
    _assert_conv_matches_torch(_case(rng, (3, 4, 5, 6), (7, 4, 1, 1), 2, 0))


def test_conv_backward_matches_torch_when_strides_leave_rows_and_columns_uncovered(rng) -> None:
    # Rows: 3 windows of height 3 at stride 2 start at 0, 2, 4 and never reach row 7.
    # Columns: 4 windows of width 2 at stride 3 start at 0, 3, 6, 9 and skip columns 2, 5 and 8.
    case = _case(rng, (2, 2, 8, 11), (3, 2, 3, 2), (2, 3), 0)
    _assert_conv_matches_torch(case)
    _, cache = conv2d_forward(case["x"], case["w"], case["b"], stride=(2, 3))
    dx, _, _ = conv2d_backward(case["dout"], cache)
    assert np.all(dx[:, :, 7, :] == 0), "row 7 is in no window, so its gradient is zero"
    assert np.all(dx[:, :, :, [2, 5, 8]] == 0), "columns 2, 5 and 8 are in no window, so their gradient is zero"


def test_conv_accepts_numpy_integer_and_list_strides_and_pads(rng) -> None:
    case = _case(rng, (1, 2, 6, 7), (2, 2, 3, 3), (2, 1), (1, 0))
    case["stride"], case["pad"] = [np.int64(2), 1], (np.int32(1), 0)
    out, _ = conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    expected = F.conv2d(tensor(case["x"]), tensor(case["w"]), tensor(case["b"]), stride=(2, 1), padding=(1, 0))
    assert_matches_torch(out, expected, "out with numpy-integer stride and pad")


@st.composite
def conv_cases(draw: st.DrawFn) -> dict:
    """Random shapes, strides and paddings whose kernel fits in the padded input."""
    n, c, nf = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, h + 2 * ph)), draw(st.integers(1, w + 2 * pw))
    kh, kw = min(kh, 5), min(kw, 5)
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return _case(np.random.default_rng(seed), (n, c, h, w), (nf, c, kh, kw), (sh, sw), (ph, pw))


@settings(max_examples=30, deadline=None)
@given(case=conv_cases())
def test_conv_forward_and_backward_match_torch_on_random_shapes(case: dict) -> None:
    _assert_conv_matches_torch(case)


def test_conv_forward_and_backward_leave_their_inputs_unmodified(rng) -> None:
    case = _case(rng, (2, 3, 6, 5), (4, 3, 3, 3), (2, 1), 1)
    before = {name: case[name].copy() for name in ("x", "w", "b", "dout")}
    _, cache = conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    first = conv2d_backward(case["dout"], cache)
    second = conv2d_backward(case["dout"], cache)
    for name, array in before.items():
        np.testing.assert_array_equal(case[name], array, err_msg=f"{name} was modified in place")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second backward on the same cache gives another result")


GOOD = {"x": (2, 3, 5, 5), "w": (4, 3, 3, 3), "b": (4,)}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"x": (3, 5, 5)}, "x must be 4-D"),
        ({"w": (4, 3, 3)}, "w must be 4-D"),
        ({"w": (4, 2, 3, 3)}, "channels"),
        ({"b": (5,)}, "b must have shape (F,)"),
        ({"b": (4, 1)}, "b must have shape (F,)"),
        ({"w": (4, 3, 6, 3)}, "larger than the padded input"),
        ({"w": (4, 3, 3, 8), "pad": 1}, "larger than the padded input"),
        ({"w": (4, 3, 0, 3)}, "at least 1 x 1"),
        ({"stride": 0}, "stride must be positive"),
        ({"stride": (1, -2)}, "stride must be positive"),
        ({"pad": -1}, "pad must be non-negative"),
        ({"pad": (0, -1)}, "pad must be non-negative"),
        ({"stride": 1.5}, "stride must be an int or a pair of ints"),
        ({"stride": True}, "stride must be an int or a pair of ints"),
        ({"stride": (1, 2, 3)}, "stride must be an int or a pair of ints"),
        ({"stride": "2"}, "stride must be an int or a pair of ints"),
        ({"pad": (1, True)}, "pad must be an int or a pair of ints"),
        ({"pad": None}, "pad must be an int or a pair of ints"),
    ],
    ids=lambda value: str(value),
)
def test_conv_forward_rejects_invalid_arguments_with_a_message(change: dict, message: str) -> None:
    shapes = {**GOOD, **{k: v for k, v in change.items() if k in GOOD}}
    x, w, b = (np.zeros(shapes[name]) for name in ("x", "w", "b"))
    options = {k: v for k, v in change.items() if k in ("stride", "pad")}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        conv2d_forward(x, w, b, **options)


@pytest.mark.parametrize("dout_shape", [(2, 4, 5, 5), (2, 4, 3, 2), (4, 2, 3, 3), (2, 4, 3, 3, 1), (2, 3, 3, 3)])
def test_conv_backward_rejects_dout_of_another_shape_than_the_output(dout_shape) -> None:
    _, cache = conv2d_forward(np.zeros((2, 3, 5, 5)), np.zeros((4, 3, 3, 3)), np.zeros(4), stride=2, pad=1)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape .*\(2, 4, 3, 3\)"):
        conv2d_backward(np.zeros(dout_shape), cache)
