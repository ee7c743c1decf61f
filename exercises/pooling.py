"""Exercise ``pooling``: the forward and backward passes of 2-D max pooling and average pooling.

Both follow ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` without padding, dilation or
``ceil_mode``: windows start at the top-left corner and step by ``stride``; rows and columns
that no whole window reaches are ignored.
"""

from __future__ import annotations

import numpy as np


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    """Forward pass of 2-D max pooling.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        A batch of N images with C channels; every channel is pooled separately.
    kernel_size : int or pair (KH, KW)
        The window size; must be positive and fit in (H, W).
    stride : int or pair (stride_h, stride_w) or None, default None
        The step between neighbouring windows; None means ``stride = kernel_size``.
        A stride smaller than the kernel gives overlapping windows.

    Returns
    -------
    out : ndarray, shape (N, C, Ho, Wo)
        The maximum of every window; ``Ho = (H - KH) // stride_h + 1``, ``Wo = (W - KW) // stride_w + 1``.
    cache : tuple
        Whatever ``max_pool2d_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 4-D, kernel_size or stride is not a positive int or pair of positive ints,
        or the kernel is larger than the input.

    Notes
    -----
    ``out[n, c, i, j] = max over k < KH, l < KW of x[n, c, i*stride_h + k, j*stride_w + l]``.
    No padding. The input is never modified in place.
    """
    raise NotImplementedError('max_pool2d_forward: take the max of every window and remember where the first maximum is')


def max_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of ``max_pool2d_forward``.

    Parameters
    ----------
    dout : ndarray, shape (N, C, Ho, Wo)
        Gradient of the loss with respect to the forward output.
    cache : tuple
        The ``cache`` returned by ``max_pool2d_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        Gradient with respect to x.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    Each window sends its whole gradient ``dout[n, c, i, j]`` to exactly one input element: the
    first maximal element of the window in row-major order (as PyTorch on the CPU does when a
    window holds ties). Where windows overlap, an element chosen by several windows receives the
    sum of their gradients. Every other element gets zero.
    """
    raise NotImplementedError("max_pool2d_backward: route each window's gradient to its first maximum; overlapping windows add up")


def avg_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    """Forward pass of 2-D average pooling.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        A batch of N images with C channels; every channel is pooled separately.
    kernel_size : int or pair (KH, KW)
        The window size; must be positive and fit in (H, W).
    stride : int or pair (stride_h, stride_w) or None, default None
        The step between neighbouring windows; None means ``stride = kernel_size``.

    Returns
    -------
    out : ndarray, shape (N, C, Ho, Wo)
        The mean of every window; ``Ho = (H - KH) // stride_h + 1``, ``Wo = (W - KW) // stride_w + 1``.
    cache : tuple
        Whatever ``avg_pool2d_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 4-D, kernel_size or stride is not a positive int or pair of positive ints,
        or the kernel is larger than the input.

    Notes
    -----
    ``out[n, c, i, j] = 1/(KH*KW) * sum over k < KH, l < KW of x[n, c, i*stride_h + k, j*stride_w + l]``.
    No padding. The input is never modified in place.
    """
    raise NotImplementedError('avg_pool2d_forward: average every window')


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of ``avg_pool2d_forward``.

    Parameters
    ----------
    dout : ndarray, shape (N, C, Ho, Wo)
        Gradient of the loss with respect to the forward output.
    cache : tuple
        The ``cache`` returned by ``avg_pool2d_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        Gradient with respect to x.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    Each window spreads ``dout[n, c, i, j] / (KH*KW)`` evenly over its KH*KW elements; where
    windows overlap the shares add up, and elements no window covers get zero.
    """
    raise NotImplementedError("avg_pool2d_backward: spread each window's gradient evenly over its elements")


def _pair(value: int | tuple[int, int], name: str, minimum: int) -> tuple[int, int]:
    """Read an int or a pair of ints ``(h, w)`` as a validated pair ``(h, w)``.

    A provided helper: ``_pair(kernel_size, "kernel_size", 1)`` gives ``(KH, KW)`` and raises
    the ``ValueError`` the contract asks for.

    Parameters
    ----------
    value : int or pair of ints
        ``3`` means ``(3, 3)``; ``(1, 2)`` means 1 along the height and 2 along the width.
        Booleans are not accepted as ints.
    name : str
        The argument's name, used in the error message.
    minimum : int
        The smallest value allowed on each axis.

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
