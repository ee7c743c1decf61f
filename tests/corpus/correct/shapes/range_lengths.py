"""The convolution puzzle with ranges: the number of windows is the length of the range of their start positions.

len(range(0, room + 1, stride)) counts the starts 0, stride, 2*stride, ... up to the room the kernel
leaves; the parameter count is the size of the weight shape; the receptive field follows the
positions 0 ... last of the input the first unit sees, layer by layer from the output back.
"""

import math


def _ints(value, name, low):
    values = [value, value] if isinstance(value, int) else list(value) if isinstance(value, (list, tuple)) else []
    if len(values) != 2 or any(type(v) is not int for v in values):
        raise ValueError(f"{name}: expected an int or two ints, got {value!r}")
    if any(v < low for v in values):
        raise ValueError(f"{name}: every entry must be >= {low}, got {value!r}")
    return values


def _starts(room, stride):
    if room < 0:
        raise ValueError("the kernel is larger than what it slides over")
    return len(range(0, room + 1, stride))


def _one(value, name, low):
    return _ints(value, name, low)[0] if isinstance(value, int) else _ints(None, name, low)


def _chw(input_shape):
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError("input_shape must be (C, H, W)")
    return (_one(input_shape[0], "C", 1), *_ints(list(input_shape[1:]), "(H, W)", 1))


def conv_output_shape(input_shape, filters, kernel_size, stride=1, pad=0):
    C, H, W = _chw(input_shape)
    F = _one(filters, "filters", 1)
    kernel, step, padding = _ints(kernel_size, "kernel_size", 1), _ints(stride, "stride", 1), _ints(pad, "pad", 0)
    rooms = [size + 2 * p - k for size, p, k in zip((H, W), padding, kernel)]
    return (F, *(_starts(room, s) for room, s in zip(rooms, step)))


def pool_output_shape(input_shape, kernel_size, stride=None):
    C, H, W = _chw(input_shape)
    kernel = _ints(kernel_size, "kernel_size", 1)
    step = kernel if stride is None else _ints(stride, "stride", 1)
    return (C, *(_starts(size - k, s) for size, k, s in zip((H, W), kernel, step)))


def conv_parameter_count(in_channels, filters, kernel_size, groups=1, bias=True):
    C, F, G = _one(in_channels, "in_channels", 1), _one(filters, "filters", 1), _one(groups, "groups", 1)
    if C % G or F % G:
        raise ValueError(f"in_channels ({C}) and filters ({F}) must both be divisible by groups ({G})")
    weight_shape = (F, C // G, *_ints(kernel_size, "kernel_size", 1))
    return math.prod(weight_shape) + (F if bias else 0)


def receptive_field(layers):
    pairs = [_ints(layer if isinstance(layer, (tuple, list)) else None, "layer", 1) for layer in layers]
    last = 0  # the first unit of the last layer sees input positions 0 ... last
    for k, s in reversed(pairs):
        last = last * s + k - 1  # units 0 ... last of a layer's output see 0 ... last * s + k - 1 of its input
    return last + 1
