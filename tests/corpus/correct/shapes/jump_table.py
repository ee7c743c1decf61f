"""The convolution puzzle as a table: the output size, jump and receptive field of every layer, from a helper.

Output sizes use divmod to say the floor explicitly; the receptive field keeps the jump and the
field of each layer in a list, in the form of the lectures' table (r_l = r_{l-1} + (k_l - 1) * j_{l-1}).
"""

from numbers import Integral


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _as_hw(value, name, minimum):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or an (h, w) pair")
        return tuple(_check_int(v, name, minimum) for v in value)
    v = _check_int(value, name, minimum)
    return v, v


def _out(size, kernel, stride, pad):
    room = size + 2 * pad - kernel
    if room < 0:
        raise ValueError(f"a kernel of {kernel} does not fit in {size + 2 * pad}")
    steps, _ = divmod(room, stride)
    return steps + 1


def conv_output_shape(input_shape, filters, kernel_size, stride=1, pad=0):
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError("input_shape must be a (C, H, W) tuple")
    _, H, W = (_check_int(v, "input_shape", 1) for v in input_shape)
    F = _check_int(filters, "filters", 1)
    kh, kw = _as_hw(kernel_size, "kernel_size", 1)
    (sh, sw), (ph, pw) = _as_hw(stride, "stride", 1), _as_hw(pad, "pad", 0)
    return F, _out(H, kh, sh, ph), _out(W, kw, sw, pw)


def pool_output_shape(input_shape, kernel_size, stride=None):
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError("input_shape must be a (C, H, W) tuple")
    C, H, W = (_check_int(v, "input_shape", 1) for v in input_shape)
    kh, kw = _as_hw(kernel_size, "kernel_size", 1)
    sh, sw = (kh, kw) if stride is None else _as_hw(stride, "stride", 1)
    return C, _out(H, kh, sh, 0), _out(W, kw, sw, 0)


def conv_parameter_count(in_channels, filters, kernel_size, groups=1, bias=True):
    C, F = _check_int(in_channels, "in_channels", 1), _check_int(filters, "filters", 1)
    G = _check_int(groups, "groups", 1)
    if C % G != 0 or F % G != 0:
        raise ValueError("groups must divide in_channels and filters")
    kh, kw = _as_hw(kernel_size, "kernel_size", 1)
    weights_per_filter = (C // G) * kh * kw
    return F * weights_per_filter + F * int(bool(bias))


def _table(layers):
    """[(jump, field)] after each layer, starting with (1, 1) for the input itself."""
    rows = [(1, 1)]
    for layer in layers:
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError("a layer must be a (kernel_size, stride) pair")
        k, s = (_check_int(v, "kernel_size and stride", 1) for v in layer)
        jump, field = rows[-1]
        rows.append((jump * s, field + (k - 1) * jump))
    return rows


def receptive_field(layers):
    return _table(layers)[-1][1]
