"""Exercise ``pooling``: the forward and backward passes of 2-D max pooling and average pooling.

Both follow ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` without padding, dilation or
``ceil_mode``: windows start at the top-left corner and step by ``stride``; rows and columns
that no whole window reaches are ignored.
"""

from __future__ import annotations

import numpy as np

# BEGIN SOLUTION
from numpy.lib.stride_tricks import sliding_window_view
# END SOLUTION


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
    # BEGIN SOLUTION: take the max of every window and remember where the first maximum is
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    N, C, H, W = x.shape
    sh, sw = stride
    windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    windows = windows.reshape(N, C, Ho, Wo, KH * KW)
    k = windows.argmax(axis=-1)  # argmax picks the first maximum in row-major order
    out = np.take_along_axis(windows, k[..., None], axis=-1)[..., 0]
    # Flat index into x of every window's chosen element.
    rows = np.arange(Ho).reshape(Ho, 1) * sh + k // KW
    cols = np.arange(Wo) * sw + k % KW
    argmax = (np.arange(N * C).reshape(N, C, 1, 1) * H + rows) * W + cols
    cache = (x.shape, argmax)
    return out, cache
    # END SOLUTION


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
    # BEGIN SOLUTION: route each window's gradient to its first maximum; overlapping windows add up
    x_shape, argmax = cache
    dout = _check_dout(dout, argmax.shape)
    dx = np.zeros(int(np.prod(x_shape)))
    np.add.at(dx, argmax.ravel(), dout.ravel())  # unbuffered: repeated indices accumulate
    return dx.reshape(x_shape)
    # END SOLUTION


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
    # BEGIN SOLUTION: average every window
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for kh in range(KH):  # one step per kernel offset: adds that element of every window
        for kw in range(KW):
            out += x[_window_slice(kh, kw, stride, (Ho, Wo))]
    out /= KH * KW
    cache = (x.shape, (KH, KW), stride)
    return out, cache
    # END SOLUTION


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
    # BEGIN SOLUTION: spread each window's gradient evenly over its elements
    x_shape, (KH, KW), (sh, sw) = cache
    Ho, Wo = (x_shape[2] - KH) // sh + 1, (x_shape[3] - KW) // sw + 1
    dout = _check_dout(dout, x_shape[:2] + (Ho, Wo))
    share = dout / (KH * KW)
    dx = np.zeros(x_shape)
    for kh in range(KH):
        for kw in range(KW):
            dx[_window_slice(kh, kw, (sh, sw), (Ho, Wo))] += share
    return dx
    # END SOLUTION


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


# BEGIN SOLUTION
def _geometry(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate the arguments of a pooling forward; return ``(KH, KW), (sh, sw), (Ho, Wo)``."""
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride", 1)
    H, W = x.shape[2:]
    if KH > H or KW > W:
        raise ValueError(
            f"kernel_size (KH, KW) = {(KH, KW)} is larger than the input (H, W) = {(H, W)}: x shape {x.shape}"
        )
    return (KH, KW), (sh, sw), ((H - KH) // sh + 1, (W - KW) // sw + 1)


def _check_dout(dout: np.ndarray, expected: tuple[int, ...]) -> np.ndarray:
    """``dout`` as float64, or ``ValueError`` if it is not of the forward output's shape."""
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != tuple(expected):
        raise ValueError(
            f"dout must have the forward output's shape (N, C, Ho, Wo) = {tuple(expected)}, got {dout.shape}"
        )
    return dout


def _window_slice(kh: int, kw: int, stride: tuple[int, int], out_size: tuple[int, int]) -> tuple[slice, ...]:
    """Index of the input element at offset (kh, kw) of every window: an ``(N, C, Ho, Wo)`` view."""
    (sh, sw), (Ho, Wo) = stride, out_size
    return (slice(None), slice(None), slice(kh, kh + sh * Ho, sh), slice(kw, kw + sw * Wo, sw))


# END SOLUTION
