"""Exercise ``conv``: the forward and backward pass of a 2-D convolution layer.

The layer computes a cross-correlation, as ``torch.nn.functional.conv2d`` does: the kernel is
slid over the zero-padded input without being flipped.
"""

from __future__ import annotations

import numpy as np


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a 2-D convolution (a cross-correlation, as in PyTorch).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        A batch of N images with C channels.
    w : ndarray, shape (F, C, KH, KW)
        F filters, each spanning all C input channels and a KH x KW window.
    b : ndarray, shape (F,)
        One bias per filter.
    stride : int or pair (stride_h, stride_w), default 1
        The step between neighbouring windows; must be positive.
    pad : int or pair (pad_h, pad_w), default 0
        Rows of zeros added above *and* below, columns added left *and* right; must be >= 0.

    Returns
    -------
    out : ndarray, shape (N, F, Ho, Wo)
        ``Ho = (H + 2*pad_h - KH) // stride_h + 1`` and ``Wo = (W + 2*pad_w - KW) // stride_w + 1``.
        Rows and columns of the padded input that no window reaches are ignored.
    cache : tuple
        Whatever ``conv2d_backward`` needs.

    Raises
    ------
    ValueError
        If x or w is not 4-D, their channel counts differ, b is not of shape (F,), stride or pad
        is not an int or a pair of ints, stride is not positive, pad is negative, or the kernel
        is larger than the padded input.

    Notes
    -----
    With ``x_pad`` the zero-padded input (shape ``(N, C, H + 2*pad_h, W + 2*pad_w)``)::

        out[n, f, i, j] = b[f] + sum over c, k, l of
                          x_pad[n, c, i*stride_h + k, j*stride_w + l] * w[f, c, k, l]

    The kernel is not flipped (``torch.nn.functional.conv2d`` semantics). The input is never
    modified in place.
    """
    raise NotImplementedError('conv2d_forward: check the arguments, pad x, then correlate every filter with every window')


def conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``conv2d_forward``.

    Parameters
    ----------
    dout : ndarray, shape (N, F, Ho, Wo)
        Gradient of the loss with respect to the forward output ``out``.
    cache : tuple
        The ``cache`` returned by ``conv2d_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        Gradient with respect to x (not the padded x: the padding's gradient is dropped).
    dw : ndarray, shape (F, C, KH, KW)
        Gradient with respect to w.
    db : ndarray, shape (F,)
        Gradient with respect to b.

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    Every input pixel receives a contribution from every window that covers it, so windows that
    overlap (stride smaller than the kernel) add up; padded pixels and pixels no window reaches
    contribute nothing. Neither ``dout`` nor the cache is modified.
    """
    raise NotImplementedError('conv2d_backward: sum dout for db, correlate dout with the windows for dw, scatter it back for dx')


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
