"""The reference depthwise and separable convolutions against ``torch.nn.functional.conv2d`` (groups=C) and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from torch_helpers import assert_matches_torch, tensor
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.depthwise import (
    depthwise_conv2d_backward,
    depthwise_conv2d_forward,
    separable_conv2d_backward,
    separable_conv2d_forward,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _as_pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _case(rng: np.random.Generator, x_shape: tuple, M: int, kernel: tuple, stride, pad, filters: int = 3) -> dict:
    """Random x, depthwise weights (C*M, 1, KH, KW), pointwise weights (filters, C*M, 1, 1), biases and douts."""
    (sh, sw), (ph, pw) = _as_pair(stride), _as_pair(pad)
    N, C, H, W = x_shape
    KH, KW = kernel
    out_hw = ((H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1)
    return {
        "x": rng.normal(size=x_shape),
        "w": rng.normal(size=(C * M, 1, KH, KW)),
        "b": rng.normal(size=C * M),
        "w_point": rng.normal(size=(filters, C * M, 1, 1)),
        "b_point": rng.normal(size=filters),
        "dout": rng.normal(size=(N, C * M, *out_hw)),
        "dout_separable": rng.normal(size=(N, filters, *out_hw)),
        "stride": stride,
        "pad": pad,
    }


def _label(case: dict) -> str:
    return f"x {case['x'].shape}, w {case['w'].shape}, stride {case['stride']}, pad {case['pad']}:"


def _assert_depthwise_matches_torch(case: dict) -> None:
    """Forward output and dx, dw, db agree with torch's conv2d(groups=C) within 1e-10, and are float64."""
    out, cache = depthwise_conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    dx, dw, db = depthwise_conv2d_backward(case["dout"], cache)

    x, w, b = tensor(case["x"]), tensor(case["w"]), tensor(case["b"])
    expected = F.conv2d(x, w, b, stride=case["stride"], padding=case["pad"], groups=case["x"].shape[1])
    expected.backward(tensor(case["dout"], requires_grad=False))

    for name, actual, oracle in (("out", out, expected), ("dx", dx, x.grad), ("dw", dw, w.grad), ("db", db, b.grad)):
        assert_matches_torch(actual, oracle, f"{_label(case)} depthwise {name}")
        assert actual.dtype == np.float64, f"{_label(case)} depthwise {name} has dtype {actual.dtype}"


def _assert_separable_matches_torch(case: dict) -> None:
    """The separable convolution and its five gradients agree with torch's depthwise conv then 1x1 conv."""
    arrays = [case[k] for k in ("x", "w", "b", "w_point", "b_point")]
    out, cache = separable_conv2d_forward(*arrays, stride=case["stride"], pad=case["pad"])
    grads = separable_conv2d_backward(case["dout_separable"], cache)

    x, w, b, w_point, b_point = (tensor(a) for a in arrays)
    h = F.conv2d(x, w, b, stride=case["stride"], padding=case["pad"], groups=case["x"].shape[1])
    expected = F.conv2d(h, w_point, b_point)
    expected.backward(tensor(case["dout_separable"], requires_grad=False))

    names = ("dx", "dw_depth", "db_depth", "dw_point", "db_point")
    assert_matches_torch(out, expected, f"{_label(case)} separable out")
    for name, actual, leaf in zip(names, grads, (x, w, b, w_point, b_point)):
        assert_matches_torch(actual, leaf.grad, f"{_label(case)} separable {name}")
        assert actual.dtype == np.float64, f"{_label(case)} separable {name} has dtype {actual.dtype}"


@pytest.mark.parametrize("M", [1, 2, 3], ids=["M1", "M2", "M3"])
@pytest.mark.parametrize("stride", [1, 2, (1, 2)], ids=["stride1", "stride2", "stride1x2"])
@pytest.mark.parametrize("pad", [0, 1, (2, 1)], ids=["pad0", "pad1", "pad2x1"])
def test_depthwise_and_separable_match_torch_on_a_multiplier_stride_and_pad_grid(rng, M, stride, pad) -> None:
    # A non-square 3x2 kernel on a non-square 7x9 input, 3 channels.
    case = _case(rng, (2, 3, 7, 9), M, (3, 2), stride, pad)
    _assert_depthwise_matches_torch(case)
    _assert_separable_matches_torch(case)


def test_output_channel_k_reads_input_channel_k_div_M_only(rng) -> None:
    # Only input channel 1 is nonzero: with M = 2 exactly output channels 2 and 3 see it (k // M == 1).
    x = np.zeros((1, 3, 5, 5))
    x[0, 1] = rng.normal(size=(5, 5))
    out, _ = depthwise_conv2d_forward(x, rng.normal(size=(6, 1, 3, 3)), np.zeros(6))
    assert np.all(out[0, [0, 1, 4, 5]] == 0) and np.all(out[0, [2, 3]] != 0)


def test_depthwise_matches_torch_with_a_single_channel_and_many_filters(rng) -> None:
    case = _case(rng, (2, 1, 6, 5), 4, (2, 3), (2, 1), 1, filters=2)
    _assert_depthwise_matches_torch(case)
    _assert_separable_matches_torch(case)


@pytest.mark.parametrize("stride", [1, 2, (3, 1)])
def test_depthwise_matches_torch_when_the_kernel_equals_the_padded_input(rng, stride) -> None:
    # Padded input (4 + 2, 5 + 0) = (6, 5): one window, a 1x1 output.
    case = _case(rng, (2, 3, 4, 5), 2, (6, 5), stride, (1, 0))
    _assert_depthwise_matches_torch(case)
    _assert_separable_matches_torch(case)


def test_depthwise_backward_matches_torch_when_strides_skip_rows_and_columns(rng) -> None:
    # A stride above the kernel size: rows 3, 7 and columns 2, 5, 8 are in no window.
    case = _case(rng, (2, 2, 8, 11), 2, (3, 2), (4, 3), 0)
    _assert_depthwise_matches_torch(case)
    _, cache = depthwise_conv2d_forward(case["x"], case["w"], case["b"], stride=(4, 3))
    dx, _, _ = depthwise_conv2d_backward(case["dout"], cache)
    assert np.all(dx[:, :, [3, 7], :] == 0) and np.all(dx[:, :, :, [2, 5, 8]] == 0)


def test_depthwise_accepts_numpy_integer_and_list_strides_and_pads(rng) -> None:
    case = _case(rng, (1, 2, 6, 7), 2, (3, 3), (2, 1), (1, 0))
    case["stride"], case["pad"] = [np.int64(2), 1], (np.int32(1), 0)
    out, _ = depthwise_conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    expected = F.conv2d(tensor(case["x"]), tensor(case["w"]), tensor(case["b"]), stride=(2, 1), padding=(1, 0), groups=2)
    assert_matches_torch(out, expected, "out with numpy-integer stride and pad")


@st.composite
def depthwise_cases(draw: st.DrawFn) -> dict:
    """Random shapes, depth multipliers, strides and paddings whose kernel fits in the padded input."""
    n, c, M, filters = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = min(draw(st.integers(1, h + 2 * ph)), 5), min(draw(st.integers(1, w + 2 * pw)), 5)
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.sampled_from([(sh, sw), sh]))
    pad = draw(st.sampled_from([(ph, pw), ph]))
    if isinstance(pad, int):
        kw = min(kw, w + 2 * ph)
    seed = draw(st.integers(0, 2**32 - 1))
    return _case(np.random.default_rng(seed), (n, c, h, w), M, (kh, kw), stride, pad, filters)


@settings(max_examples=40, deadline=None)
@given(case=depthwise_cases())
def test_depthwise_and_separable_match_torch_on_random_shapes(case: dict) -> None:
    _assert_depthwise_matches_torch(case)
    _assert_separable_matches_torch(case)


def test_forward_and_backward_leave_their_inputs_unmodified(rng) -> None:
    case = _case(rng, (2, 3, 6, 5), 2, (3, 3), (2, 1), 1)
    names = ("x", "w", "b", "w_point", "b_point", "dout", "dout_separable")
    before = {name: case[name].copy() for name in names}
    _, cache = depthwise_conv2d_forward(case["x"], case["w"], case["b"], stride=case["stride"], pad=case["pad"])
    first, second = depthwise_conv2d_backward(case["dout"], cache), depthwise_conv2d_backward(case["dout"], cache)
    _, separable = separable_conv2d_forward(*(case[k] for k in names[:5]), stride=case["stride"], pad=case["pad"])
    separable_conv2d_backward(case["dout_separable"], separable)
    for name, array in before.items():
        np.testing.assert_array_equal(case[name], array, err_msg=f"{name} was modified in place")
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b, err_msg="a second backward on the same cache gives another result")


GOOD = {"x": (2, 3, 5, 5), "w": (6, 1, 3, 3), "b": (6,)}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"x": (3, 5, 5)}, "x must be 4-D"),
        ({"w": (6, 3, 3)}, "w must be 4-D (C*M, 1, KH, KW)"),
        ({"w": (6, 3, 3, 3)}, "one input channel per filter"),
        ({"w": (5, 1, 3, 3), "b": (5,)}, "must be a multiple of C = 3"),
        ({"w": (2, 1, 3, 3), "b": (2,)}, "must be a multiple of C = 3"),
        ({"b": (3,)}, "b must have shape (C*M,) = (6,)"),
        ({"b": (1,)}, "b must have shape (C*M,) = (6,)"),
        ({"w": (6, 1, 6, 3)}, "larger than the padded input"),
        ({"w": (6, 1, 3, 8), "pad": 1}, "larger than the padded input"),
        ({"w": (6, 1, 0, 3)}, "at least 1 x 1"),
        ({"stride": 0}, "stride must be positive"),
        ({"stride": (1, -2)}, "stride must be positive"),
        ({"pad": -1}, "pad must be non-negative"),
        ({"stride": 1.5}, "stride must be an int or a pair of ints"),
        ({"stride": True}, "stride must be an int or a pair of ints"),
        ({"pad": (1, 2, 3)}, "pad must be an int or a pair of ints"),
    ],
    ids=lambda value: str(value),
)
def test_depthwise_forward_rejects_invalid_arguments_with_a_message(change: dict, message: str) -> None:
    shapes = {**GOOD, **{k: v for k, v in change.items() if k in GOOD}}
    x, w, b = (np.zeros(shapes[name]) for name in ("x", "w", "b"))
    options = {k: v for k, v in change.items() if k in ("stride", "pad")}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        depthwise_conv2d_forward(x, w, b, **options)


@pytest.mark.parametrize(
    "w_point, b_point, message",
    [
        ((4, 5, 1, 1), (4,), r"w_point must have shape \(F, C\*M, 1, 1\) with C\*M = 6"),
        ((4, 6, 3, 3), (4,), r"w_point must have shape \(F, C\*M, 1, 1\)"),
        ((4, 6), (4,), r"w_point must have shape \(F, C\*M, 1, 1\)"),
        ((4, 6, 1, 1), (3,), r"b_point must have shape \(F,\) = \(4,\)"),
    ],
)
def test_separable_forward_rejects_a_pointwise_convolution_that_does_not_fit(w_point, b_point, message) -> None:
    with pytest.raises(ValueError, match=message):
        separable_conv2d_forward(np.zeros((2, 3, 5, 5)), np.zeros((6, 1, 3, 3)), np.zeros(6), np.zeros(w_point),
                                 np.zeros(b_point))


@pytest.mark.parametrize("dout_shape", [(2, 6, 5, 5), (2, 6, 3, 2), (2, 3, 3, 3), (2, 6, 3, 3, 1)])
def test_depthwise_backward_rejects_dout_of_another_shape_than_the_output(dout_shape) -> None:
    _, cache = depthwise_conv2d_forward(np.zeros((2, 3, 5, 5)), np.zeros((6, 1, 3, 3)), np.zeros(6), stride=2, pad=1)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape .*\(2, 6, 3, 3\)"):
        depthwise_conv2d_backward(np.zeros(dout_shape), cache)


@pytest.mark.parametrize("dout_shape", [(2, 6, 3, 3), (2, 4, 5, 5), (2, 4, 3, 3, 1)])
def test_separable_backward_rejects_dout_of_another_shape_than_the_output(dout_shape) -> None:
    _, cache = separable_conv2d_forward(np.zeros((2, 3, 5, 5)), np.zeros((6, 1, 3, 3)), np.zeros(6),
                                        np.zeros((4, 6, 1, 1)), np.zeros(4), stride=2, pad=1)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape .*\(2, 4, 3, 3\)"):
        separable_conv2d_backward(np.zeros(dout_shape), cache)
