"""Exercise ``shapes``: the convolution puzzle, the integer arithmetic of network design.

Before a network is trained, its designer works out what every layer makes of its input: the
shape of its output, how many parameters it learns, and how much of the image one of its units
sees. These functions do that arithmetic with Python ints and tuples of ints, no arrays, exactly
as ``torch.nn.Conv2d`` and ``torch.nn.MaxPool2d`` (no dilation, no ``ceil_mode``) behave.

Sizes given as "an int or a pair" mean ``(h, w)``: ``3`` is ``(3, 3)`` and ``(1, 2)`` is 1 along
the height and 2 along the width. The provided helper ``_pair`` (at the bottom) reads them.
"""

from __future__ import annotations

import numpy as np


def conv_output_shape(
    input_shape: tuple[int, int, int],
    filters: int,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[int, int, int]:
    """The shape of one image after a 2-D convolution layer (``torch.nn.Conv2d``).

    Parameters
    ----------
    input_shape : tuple of int, (C, H, W)
        One input image: C channels of H x W (the batch axis N does not change and is left out).
    filters : int
        F, the number of filters (output channels); at least 1.
    kernel_size : int or pair (KH, KW)
        The window each filter spans; at least 1 on each axis.
    stride : int or pair (stride_h, stride_w), default 1
        The step between neighbouring windows; at least 1.
    pad : int or pair (pad_h, pad_w), default 0
        Rows of zeros added above *and* below, columns left *and* right; at least 0.

    Returns
    -------
    tuple of int, (F, Ho, Wo)
        ``Ho = (H + 2*pad_h - KH) // stride_h + 1``, likewise ``Wo``; Python ints.

    Raises
    ------
    ValueError
        If input_shape is not three positive ints, filters is below 1, a kernel or stride is
        below 1, a pad is negative, or the kernel is larger than the padded input.

    Notes
    -----
    The first window starts at the top-left corner of the padded input, which is ``H + 2*pad_h``
    rows high; there is room for ``H + 2*pad_h - KH`` more rows below it, so the window can move
    down ``(H + 2*pad_h - KH) // stride_h`` times: that many positions *plus the first one*.
    Rows left over when the stride does not divide evenly are never reached (PyTorch drops them).
    A 3x3 kernel with stride 1 and pad 1 keeps H and W ("same" padding); stride 2 halves them.
    Every filter gives one output channel, whatever the number of input channels C.
    """
    raise NotImplementedError('conv_output_shape: validate, then count the window positions along each axis')


def pool_output_shape(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[int, int, int]:
    """The shape of one image after 2-D max or average pooling (``torch.nn.MaxPool2d``, no padding).

    Parameters
    ----------
    input_shape : tuple of int, (C, H, W)
        One input image.
    kernel_size : int or pair (KH, KW)
        The pooling window; at least 1 on each axis.
    stride : int or pair (stride_h, stride_w), or None
        The step between windows; None (the default) means the kernel size, so that the windows
        tile the image without overlapping, as in PyTorch.

    Returns
    -------
    tuple of int, (C, Ho, Wo)
        ``Ho = (H - KH) // stride_h + 1``, likewise ``Wo``; pooling keeps the channels.

    Raises
    ------
    ValueError
        If input_shape is not three positive ints, a kernel or stride is below 1, or the kernel
        is larger than the input.

    Notes
    -----
    Pooling is a convolution's window arithmetic with no padding and no filters: each channel is
    pooled on its own, so C stays C. The default stride is the kernel size, not 1 (unlike
    ``conv_output_shape``): a 2x2 pool halves H and W.
    """
    raise NotImplementedError('pool_output_shape: stride None is the kernel; then the same window count as a convolution with no padding')


def conv_parameter_count(
    in_channels: int, filters: int, kernel_size: int | tuple[int, int], groups: int = 1, bias: bool = True
) -> int:
    """The number of learned parameters of a 2-D convolution layer (``torch.nn.Conv2d``'s weight and bias).

    Parameters
    ----------
    in_channels : int
        C, the input channels; at least 1.
    filters : int
        F, the output channels; at least 1.
    kernel_size : int or pair (KH, KW)
        At least 1 on each axis.
    groups : int, default 1
        G: the input channels and the filters are split into G groups, and each filter sees only
        the ``C // G`` input channels of its own group. Both C and F must be divisible by G.
    bias : bool, default True
        Whether every filter has a bias.

    Returns
    -------
    int
        ``F * (C // G) * KH * KW``, plus ``F`` with a bias: the size of a weight of shape
        ``(F, C // G, KH, KW)`` and of a bias of shape ``(F,)``.

    Raises
    ------
    ValueError
        If in_channels or filters is below 1, a kernel is below 1, groups is below 1, or
        in_channels or filters is not divisible by groups.

    Notes
    -----
    The arguments are in ``torch.nn.Conv2d``'s order. Each of the F filters holds one weight per
    input channel it sees and per kernel position; the groups divide what one filter sees, not
    how many filters there are. ``groups = C`` (with F a multiple of C) is a depthwise
    convolution: ``F * KH * KW`` weights instead of ``F * C * KH * KW``. Two stacked 3x3
    convolutions of C channels see as much as one 5x5 (see ``receptive_field``) with ``18 * C**2``
    weights instead of ``25 * C**2``, which is why VGG stacks small kernels.
    """
    raise NotImplementedError('conv_parameter_count: one weight per filter, per input channel of its group and per kernel position; one bias per filter')


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """How many input positions (along one axis) one unit of the last layer of a stack depends on.

    Parameters
    ----------
    layers : list of (kernel_size, stride) pairs of ints
        The convolution or pooling layers of the stack, input side first; kernel_size and
        stride at least 1. Padding does not change the receptive field.

    Returns
    -------
    int
        The span of the input region one unit of the last layer sees: ``r = 1``, then for each
        layer ``r += (k - 1) * j`` and ``j *= s``, with ``j = 1`` at the start. An empty stack
        gives 1 (a unit is the input position itself).

    Raises
    ------
    ValueError
        If layers is not a list (or tuple) of pairs of ints, or a kernel or stride is below 1.

    Notes
    -----
    ``j`` is the jump: the distance, counted in input positions, between two neighbouring units
    of the layer reached so far. A layer with kernel k joins k neighbouring units of the layer
    below, which adds ``(k - 1) * j`` input positions to the span. Its stride s spaces *its own*
    outputs s units of the layer below apart, so it multiplies the jump only for the layers that
    come after it: the last layer's stride never changes the result. Two 3x3 convolutions with
    stride 1 see 5 positions, three see 7; a stride-2 layer first makes every later kernel count
    double. The span is a bounding box: with a stride above the kernel size some positions
    inside it are skipped.
    """
    raise NotImplementedError('receptive_field: grow r by (k - 1) times the jump so far, then multiply the jump by the stride')


def _pair(value: int | tuple[int, int], name: str, minimum: int) -> tuple[int, int]:
    """Read an int or a pair of ints ``(h, w)`` as a validated pair ``(h, w)`` of Python ints.

    A provided helper: ``_pair(stride, "stride", 1)`` and ``_pair(pad, "pad", 0)`` give the
    per-axis values and raise the ``ValueError`` the contract asks for.

    Parameters
    ----------
    value : int or pair of ints
        ``3`` means ``(3, 3)``; ``(1, 2)`` means 1 along the height and 2 along the width.
        Booleans are not accepted as ints.
    name : str
        The argument's name, used in the error message.
    minimum : int
        The smallest value allowed on each axis (1 for a stride or a kernel, 0 for a padding).

    Returns
    -------
    tuple of int
        ``(h, w)``.

    Raises
    ------
    ValueError
        If ``value`` is not an int or a pair of ints, or is smaller than ``minimum``.
    """
    if _is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(_is_int(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise ValueError(f"{name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(pair) < minimum:
        kind = {0: "non-negative", 1: "positive"}.get(minimum, f"at least {minimum}")
        raise ValueError(f"{name} must be {kind} on both axes, got {value!r}")
    return pair


def _is_int(value: object) -> bool:
    """Whether ``value`` is an int (a numpy integer too), but not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
