"""Exercise ``depthwise``: depthwise and depthwise-separable 2-D convolution, forward and backward.

A standard convolution mixes space and channels at once: each of its F filters spans all C input
channels, F*C*KH*KW weights. A **depthwise** convolution filters every input channel on its own
with M filters (the depth multiplier), C*M*KH*KW weights and no mixing of channels; a
**pointwise** (1x1) convolution then mixes the C*M channels into F, F*C*M weights. The two in a row
are the **depthwise-separable** convolution of Xception (Chollet, 2017) and MobileNet (Howard et
al., 2017), roughly KH*KW times cheaper than the standard convolution it replaces.

The depthwise convolution is ``torch.nn.functional.conv2d(x, w, b, stride, pad, groups=C)``: a
cross-correlation with zero padding and no kernel flip, in which output channel k correlates input
channel ``k // M`` with the single-channel filter ``w[k]``. This module is self-contained: it
does not import ``conv.py``.
"""

from __future__ import annotations

import numpy as np


def depthwise_conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a depthwise convolution (``conv2d`` with ``groups=C``, as in PyTorch).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        A batch of N images with C channels.
    w : ndarray, shape (C*M, 1, KH, KW)
        M single-channel filters per input channel (M >= 1, the depth multiplier): ``w[c*M + m]``
        is the m-th filter of input channel c. The 1 is the number of input channels each filter
        sees, as in PyTorch's weight of a grouped convolution.
    b : ndarray, shape (C*M,)
        One bias per output channel.
    stride : int or pair (stride_h, stride_w), default 1
        The step between neighbouring windows; must be positive.
    pad : int or pair (pad_h, pad_w), default 0
        Rows of zeros added above *and* below, columns added left *and* right; must be >= 0.

    Returns
    -------
    out : ndarray, shape (N, C*M, Ho, Wo)
        ``Ho = (H + 2*pad_h - KH) // stride_h + 1`` and ``Wo = (W + 2*pad_w - KW) // stride_w + 1``,
        as for a standard convolution.
    cache : tuple
        Whatever ``depthwise_conv2d_backward`` needs.

    Raises
    ------
    ValueError
        If x or w is not 4-D, w.shape[1] is not 1, w.shape[0] is not a positive multiple of C, b is
        not of shape (C*M,), stride or pad is not an int or a pair of ints, stride is not positive,
        pad is negative, or the kernel is larger than the padded input.

    Notes
    -----
    With ``x_pad`` the zero-padded input, output channel ``k`` reads input channel ``c = k // M``
    only (the M output channels of input channel c are contiguous: ``c*M ... c*M + M - 1``)::

        out[n, k, i, j] = b[k] + sum over p, q of
                          x_pad[n, k // M, i*stride_h + p, j*stride_w + q] * w[k, 0, p, q]

    With M = 1 each channel has one filter and ``out`` has the C channels of x. The kernel is not
    flipped. The input is never modified in place.
    """
    raise NotImplementedError('depthwise_conv2d_forward: check the arguments, pad x, then correlate each channel with its M filters')


def depthwise_conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``depthwise_conv2d_forward``.

    Parameters
    ----------
    dout : ndarray, shape (N, C*M, Ho, Wo)
        Gradient of the loss with respect to the forward output ``out``.
    cache : tuple
        The ``cache`` returned by ``depthwise_conv2d_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        Gradient with respect to x (not the padded x: the padding's gradient is dropped).
    dw : ndarray, shape (C*M, 1, KH, KW)
        Gradient with respect to w.
    db : ndarray, shape (C*M,)
        Gradient with respect to b.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    ``db[k]`` sums ``dout[:, k]`` over the batch and every position. ``dw[k]`` correlates
    ``dout[:, k]`` with the windows of input channel ``k // M`` only, summed over the batch.
    Input channel c feeds its M output channels ``c*M ... c*M + M - 1``, so ``dx[:, c]`` adds the
    gradients coming back through all M of its filters; overlapping windows (stride smaller than
    the kernel) add up too, and the padding's gradient is dropped. Neither ``dout`` nor the cache
    is modified.
    """
    raise NotImplementedError('depthwise_conv2d_backward: sum dout for db, correlate it with the windows for dw, scatter it back for dx')


def separable_conv2d_forward(
    x: np.ndarray,
    w_depth: np.ndarray,
    b_depth: np.ndarray,
    w_point: np.ndarray,
    b_point: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a depthwise-separable convolution: depthwise, then a 1x1 (pointwise) convolution.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        A batch of N images with C channels.
    w_depth : ndarray, shape (C*M, 1, KH, KW)
        The depthwise filters, as ``w`` of ``depthwise_conv2d_forward``.
    b_depth : ndarray, shape (C*M,)
        The depthwise biases.
    w_point : ndarray, shape (F, C*M, 1, 1)
        The pointwise filters: output channel f is ``sum over k of w_point[f, k, 0, 0] * h[:, k]``.
    b_point : ndarray, shape (F,)
        The pointwise biases.
    stride : int or pair (stride_h, stride_w), default 1
        The depthwise convolution's stride (the pointwise one has stride 1).
    pad : int or pair (pad_h, pad_w), default 0
        The depthwise convolution's padding (the pointwise one has none).

    Returns
    -------
    out : ndarray, shape (N, F, Ho, Wo)
        With Ho, Wo those of the depthwise convolution.
    cache : tuple
        Whatever ``separable_conv2d_backward`` needs.

    Raises
    ------
    ValueError
        On the depthwise convolution's invalid arguments, if w_point is not of shape
        (F, C*M, 1, 1), or b_point not of shape (F,).

    Notes
    -----
    ::

        h   = depthwise_conv2d(x, w_depth, b_depth, stride, pad)      # (N, C*M, Ho, Wo)
        out = conv2d(h, w_point, b_point, stride=1, pad=0)           # (N, F, Ho, Wo)

    with no nonlinearity in between, as in Xception's separable convolution (MobileNet puts a
    batch norm and a ReLU there; this exercise does not). The inputs are never modified in place.
    """
    raise NotImplementedError('separable_conv2d_forward: the depthwise convolution, then mix its channels at every position')


def separable_conv2d_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``separable_conv2d_forward``.

    Parameters
    ----------
    dout : ndarray, shape (N, F, Ho, Wo)
        Gradient of the loss with respect to the forward output ``out``.
    cache : tuple
        The ``cache`` returned by ``separable_conv2d_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw_depth : ndarray, shape (C*M, 1, KH, KW)
    db_depth : ndarray, shape (C*M,)
    dw_point : ndarray, shape (F, C*M, 1, 1)
    db_point : ndarray, shape (F,)
        The gradients with respect to x and every weight and bias.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    The chain rule through the two layers: the pointwise layer's gradients, and ``dh``, the
    gradient on the depthwise output (``dh[:, k] = sum over f of w_point[f, k] * dout[:, f]``),
    which then goes through the depthwise backward.
    """
    raise NotImplementedError("separable_conv2d_backward: the pointwise layer's gradients, then dh through the depthwise backward")


def _pair(value: int | tuple[int, int], name: str, minimum: int) -> tuple[int, int]:
    """Read an int or a pair of ints ``(h, w)`` as a validated pair ``(h, w)``.

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
        The smallest value allowed on each axis (1 for a stride, 0 for a padding).

    Returns
    -------
    tuple of int
        ``(h, w)``.

    Raises
    ------
    ValueError
        If ``value`` is not an int or a pair of ints, or is smaller than ``minimum``.
    """

    def is_int(v: object) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    if is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise ValueError(f"{name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(pair) < minimum:
        kind = {0: "non-negative", 1: "positive"}.get(minimum, f"at least {minimum}")
        raise ValueError(f"{name} must be {kind} on both axes, got {value!r}")
    return pair
