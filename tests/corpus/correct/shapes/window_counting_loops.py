"""The convolution puzzle by counting: slide each window along each axis in a loop and count where it fits.

The receptive field walks the stack from the last layer back to the input: a span of r units of a
layer's output needs stride * (r - 1) + kernel units of its input.
"""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _two(value, name, smallest):
    pair = (value, value) if _is_int(value) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(pair) != 2 or not all(_is_int(v) for v in pair) or min(pair) < smallest:
        raise ValueError(f"{name} must be an int or a pair of ints, each at least {smallest}")
    return pair


def _image(input_shape):
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3 or not all(_is_int(v) and v >= 1
                                                                                       for v in input_shape):
        raise ValueError("input_shape must be (C, H, W) of positive ints")
    return tuple(input_shape)


def _positions(size, kernel, stride):
    """How many windows of ``kernel`` fit along ``size``, starting at 0 and moving by ``stride``."""
    count, start = 0, 0
    while start + kernel <= size:
        count += 1
        start += stride
    return count


def conv_output_shape(input_shape, filters, kernel_size, stride=1, pad=0):
    C, H, W = _image(input_shape)
    if not _is_int(filters) or filters < 1:
        raise ValueError("filters must be a positive int")
    k, s, p = _two(kernel_size, "kernel_size", 1), _two(stride, "stride", 1), _two(pad, "pad", 0)
    sizes = (H + 2 * p[0], W + 2 * p[1])
    if k[0] > sizes[0] or k[1] > sizes[1]:
        raise ValueError("the kernel does not fit in the padded input")
    return (filters, _positions(sizes[0], k[0], s[0]), _positions(sizes[1], k[1], s[1]))


def pool_output_shape(input_shape, kernel_size, stride=None):
    C, H, W = _image(input_shape)
    k = _two(kernel_size, "kernel_size", 1)
    s = k if stride is None else _two(stride, "stride", 1)
    if k[0] > H or k[1] > W:
        raise ValueError("the pooling window does not fit in the input")
    return (C, _positions(H, k[0], s[0]), _positions(W, k[1], s[1]))


def conv_parameter_count(in_channels, filters, kernel_size, groups=1, bias=True):
    kh, kw = _two(kernel_size, "kernel_size", 1)
    if not (_is_int(in_channels) and _is_int(filters)) or min(in_channels, filters) < 1:
        raise ValueError("in_channels and filters must be positive ints")
    if not _is_int(groups) or groups < 1 or in_channels % groups or filters % groups:
        raise ValueError("groups must be a positive int dividing in_channels and filters")
    count = 0
    for _ in range(groups):  # each group: filters // groups filters over in_channels // groups channels
        count += (filters // groups) * (in_channels // groups) * kh * kw
    return count + (filters if bias else 0)


def receptive_field(layers):
    checked = []
    for layer in layers:
        if not isinstance(layer, (tuple, list)) or len(layer) != 2 or not all(_is_int(v) and v >= 1 for v in layer):
            raise ValueError("every layer must be a (kernel_size, stride) pair of positive ints")
        checked.append(tuple(layer))
    r = 1
    for kernel, stride in reversed(checked):
        r = stride * (r - 1) + kernel
    return r
