"""The reference shape arithmetic against what PyTorch's layers produce, and receptive fields by brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.shapes import conv_output_shape, conv_parameter_count, pool_output_shape, receptive_field

torch = pytest.importorskip("torch")
nn = torch.nn


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _assert_ints(value, length: int | None, what: str) -> None:
    """``value`` is a Python int, or a tuple of ``length`` Python ints."""
    items = (value,) if length is None else value
    assert (length is None or (type(value) is tuple and len(value) == length)), f"{what}: {value!r}"
    assert all(type(n) is int for n in items), f"{what}: {value!r} holds something other than Python ints"


sizes = st.integers(1, 4) | st.tuples(st.integers(1, 4), st.integers(1, 4))
pads = st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2))


@settings(max_examples=80, deadline=None)
@given(c=st.integers(1, 4), h=st.integers(1, 12), w=st.integers(1, 12), f=st.integers(1, 5),
       kernel=sizes, stride=sizes, pad=pads)
def test_conv_output_shape_is_the_shape_nn_conv2d_produces_or_an_error_where_it_fails(c, h, w, f, kernel, stride, pad):
    (kh, kw), (ph, pw) = _pair(kernel), _pair(pad)
    if kh > h + 2 * ph or kw > w + 2 * pw:
        with pytest.raises(RuntimeError):
            nn.Conv2d(c, f, kernel, stride, pad)(torch.zeros(1, c, h, w))
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_shape((c, h, w), f, kernel, stride, pad)
        return
    expected = tuple(nn.Conv2d(c, f, kernel, stride, pad)(torch.zeros(1, c, h, w)).shape[1:])
    shape = conv_output_shape((c, h, w), f, kernel, stride, pad)
    _assert_ints(shape, 3, "conv_output_shape")
    assert shape == expected, f"input {(c, h, w)}, {f} filters, kernel {kernel}, stride {stride}, pad {pad}"


@settings(max_examples=80, deadline=None)
@given(c=st.integers(1, 4), h=st.integers(1, 12), w=st.integers(1, 12), kernel=sizes, stride=st.none() | sizes)
def test_pool_output_shape_is_the_shape_nn_maxpool2d_and_avgpool2d_produce(c, h, w, kernel, stride):
    kh, kw = _pair(kernel)
    if kh > h or kw > w:
        with pytest.raises(ValueError, match="larger than the input"):
            pool_output_shape((c, h, w), kernel, stride)
        return
    x = torch.zeros(1, c, h, w)
    expected = tuple(nn.MaxPool2d(kernel, stride)(x).shape[1:])
    assert tuple(nn.AvgPool2d(kernel, stride)(x).shape[1:]) == expected
    shape = pool_output_shape((c, h, w), kernel, stride)
    _assert_ints(shape, 3, "pool_output_shape")
    assert shape == expected, f"input {(c, h, w)}, kernel {kernel}, stride {stride}"


def test_pool_output_shape_default_stride_is_the_kernel_size():
    assert pool_output_shape((3, 8, 9), 2) == pool_output_shape((3, 8, 9), 2, None) == (3, 4, 4)
    assert pool_output_shape((3, 8, 9), 2, 1) == (3, 7, 8)


@settings(max_examples=80, deadline=None)
@given(groups=st.integers(1, 4), per_group_in=st.integers(1, 4), per_group_out=st.integers(1, 4), kernel=sizes,
       bias=st.booleans())
def test_parameter_count_is_the_number_of_parameters_of_nn_conv2d_with_groups_and_bias(
        groups, per_group_in, per_group_out, kernel, bias):
    c, f = groups * per_group_in, groups * per_group_out
    layer = nn.Conv2d(c, f, kernel, groups=groups, bias=bias)
    count = conv_parameter_count(c, f, kernel, groups, bias)
    _assert_ints(count, None, "conv_parameter_count")
    assert count == sum(p.numel() for p in layer.parameters()), f"C {c}, F {f}, kernel {kernel}, groups {groups}"


@pytest.mark.parametrize("c, f, groups", [(6, 8, 4), (8, 6, 4), (5, 5, 2)])
def test_parameter_count_refuses_groups_that_do_not_divide_both_channel_counts_as_nn_conv2d_does(c, f, groups):
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(c, f, 3, groups=groups)
    with pytest.raises(ValueError, match="is not divisible by groups"):
        conv_parameter_count(c, f, 3, groups)


# -- receptive fields ----------------------------------------------------------------------------------


def _dependence_span(layers: list[tuple[int, int]]) -> int:
    """By brute force: the span of the input positions the first unit of a stack of 1-D convolutions depends on.

    The stack (all-ones kernels, so no dependence cancels) runs on an input long enough for one
    output unit; autograd says which input positions that unit's value depends on.
    """
    length = receptive_field(layers) + 3
    x = torch.zeros(1, 1, length, requires_grad=True)
    out = x
    for kernel, stride in layers:
        out = torch.nn.functional.conv1d(out, torch.ones(1, 1, kernel), stride=stride)
    (grad,) = torch.autograd.grad(out[0, 0, 0], x)
    seen = torch.nonzero(grad[0, 0]).flatten()
    return int(seen.max() - seen.min() + 1)


def _receptive_field_backwards(layers: list[tuple[int, int]]) -> int:
    """The same field by the other recursion: from the last layer back, a span r needs s*(r - 1) + k inputs."""
    r = 1
    for kernel, stride in reversed(layers):
        r = stride * (r - 1) + kernel
    return r


layer_stacks = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), max_size=5)


@settings(max_examples=60, deadline=None)
@given(layers=layer_stacks)
def test_receptive_field_is_the_span_one_unit_of_a_stack_of_1d_convs_depends_on(layers):
    r = receptive_field(layers)
    _assert_ints(r, None, "receptive_field")
    assert r == _dependence_span(layers) == _receptive_field_backwards(layers), layers


@pytest.mark.parametrize("layers, expected", [
    ([], 1),
    ([(3, 1)], 3),
    ([(5, 4)], 5),                       # one layer: its kernel, whatever its stride
    ([(3, 1), (3, 1)], 5),
    ([(3, 1), (3, 1), (3, 1)], 7),
    ([(3, 1), (3, 2)], 5),               # the last stride never counts
    ([(3, 2), (3, 1)], 7),               # a stride doubles every later kernel
    ([(7, 2), (3, 2), (3, 2)], 19),
    ([(1, 1), (1, 3)], 1),
])
def test_receptive_field_of_classic_stacks(layers, expected):
    assert receptive_field(layers) == expected
    assert _dependence_span(layers) == expected


def test_receptive_field_leaves_the_list_of_layers_unchanged():
    layers = [(3, 2), (5, 1)]
    receptive_field(layers)
    assert layers == [(3, 2), (5, 1)]


# -- invalid arguments -------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: conv_output_shape((3, 8, 8), 4, 9), r"kernel \(KH, KW\) = \(9, 9\) is larger than the padded input"),
    (lambda: conv_output_shape((3, 8, 8), 4, (3, 11), pad=1), "larger than the padded input"),
    (lambda: conv_output_shape((3, 8, 8), 4, 3, stride=0), "stride must be positive"),
    (lambda: conv_output_shape((3, 8, 8), 4, 3, pad=-1), "pad must be non-negative"),
    (lambda: conv_output_shape((3, 8, 8), 0, 3), "filters must be an int of at least 1"),
    (lambda: conv_output_shape((3, 8, 8), 4, 0), "kernel_size must be positive"),
    (lambda: conv_output_shape((3, 8, 8), 4, 2.0), "kernel_size must be an int or a pair"),
    (lambda: conv_output_shape((8, 8), 4, 3), r"input_shape must be a tuple of three ints \(C, H, W\)"),
    (lambda: conv_output_shape((3, 0, 8), 4, 1), "must be positive"),
    (lambda: pool_output_shape((3, 8, 9), 9), r"larger than the input \(H, W\) = \(8, 9\)"),
    (lambda: pool_output_shape((3, 8, 9), 2, 0), "stride must be positive"),
    (lambda: pool_output_shape((3, 8, 9), 0), "kernel_size must be positive"),
    (lambda: conv_parameter_count(6, 8, 3, groups=0), "groups must be an int of at least 1"),
    (lambda: conv_parameter_count(6, 8, 3, groups=-2), "groups must be an int of at least 1"),
    (lambda: conv_parameter_count(0, 8, 3), "in_channels must be an int of at least 1"),
    (lambda: conv_parameter_count(6, 8, 3, bias=1), "bias must be True or False"),
    (lambda: receptive_field([(3, 1), (0, 1)]), r"layers\[1\]: kernel_size and stride must be at least 1"),
    (lambda: receptive_field([(3, 0)]), r"layers\[0\]: kernel_size and stride must be at least 1"),
    (lambda: receptive_field([(3, 1, 1)]), r"layers\[0\] must be a pair of ints"),
    (lambda: receptive_field((3, 1)), r"layers\[0\] must be a pair of ints"),
])
def test_invalid_arguments_raise_value_error_with_a_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
