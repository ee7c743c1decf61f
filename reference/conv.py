"""Exercise ``conv``: the forward and backward pass of a 2-D convolution layer.

The layer computes a cross-correlation, as ``torch.nn.functional.conv2d`` does: the kernel is
slid over the zero-padded input without being flipped.
"""

from __future__ import annotations

import numpy as np

# BEGIN SOLUTION
from numpy.lib.stride_tricks import sliding_window_view
# END SOLUTION


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
    # BEGIN SOLUTION: check the arguments, pad x, then correlate every filter with every window
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = _im2col(x_pad, (KH, KW), stride)  # (C*KH*KW, N*Ho*Wo)
    out = (w.reshape(F, C * KH * KW) @ cols).reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
    out = out + b.reshape(1, F, 1, 1)
    cache = (x.shape, w, cols, stride, pad)
    return out, cache
    # END SOLUTION


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
    # BEGIN SOLUTION: sum dout for db, correlate dout with the windows for dw, scatter it back for dx
    x_shape, w, cols, stride, (ph, pw) = cache
    (N, C, H, W), (F, _, KH, KW) = x_shape, w.shape
    x_pad_shape = (N, C, H + 2 * ph, W + 2 * pw)
    Ho, Wo = _output_size(x_shape, w.shape, stride, (ph, pw))
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = {(N, F, Ho, Wo)}, got {dout.shape}"
        )

    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)
    db = dout.sum(axis=(0, 2, 3))
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows  # (C*KH*KW, N*Ho*Wo)
    dx_pad = _col2im(dcols, x_pad_shape, (KH, KW), stride)
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
    # END SOLUTION


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


# BEGIN SOLUTION
def _check_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    """Raise ``ValueError`` unless x, w and b fit together."""
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (F, C, KH, KW), got shape {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} channels but w expects {w.shape[1]}: "
            f"x shape {x.shape} (N, C, H, W), w shape {w.shape} (F, C, KH, KW)"
        )
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (F,) = ({w.shape[0]},) for w of shape {w.shape}, got {b.shape}")


def _output_size(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], stride: tuple[int, int], pad: tuple[int, int]
) -> tuple[int, int]:
    """``(Ho, Wo)``; ``ValueError`` if the kernel is empty or does not fit in the padded input."""
    (H, W), (KH, KW), (sh, sw), (ph, pw) = x_shape[2:], w_shape[2:], stride, pad
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if KH < 1 or KW < 1:
        raise ValueError(f"the kernel (KH, KW) = {(KH, KW)} must be at least 1 x 1; w shape {w_shape}")
    if KH > Hp or KW > Wp:
        raise ValueError(
            f"the kernel (KH, KW) = {(KH, KW)} is larger than the padded input "
            f"(H + 2*pad_h, W + 2*pad_w) = {(Hp, Wp)}: x shape {x_shape}, w shape {w_shape}, pad {pad}"
        )
    return (Hp - KH) // sh + 1, (Wp - KW) // sw + 1


def _im2col(x_pad: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Every window of ``x_pad`` as a column: ``(C*KH*KW, N*Ho*Wo)``, rows ordered (c, kh, kw)."""
    (KH, KW), (sh, sw) = kernel, stride
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    N, C, Ho, Wo = windows.shape[:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * Ho * Wo)


def _col2im(
    dcols: np.ndarray, x_pad_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int]
) -> np.ndarray:
    """The inverse scatter of ``_im2col``: add every column back onto its window; ``(N, C, Hp, Wp)``."""
    N, C, Hp, Wp = x_pad_shape
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    dcols = dcols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros((C, N, Hp, Wp))
    for kh in range(KH):  # one loop step per kernel offset; overlapping windows add up
        for kw in range(KW):
            dx_pad[:, :, kh : kh + sh * Ho : sh, kw : kw + sw * Wo : sw] += dcols[:, kh, kw]
    return dx_pad.transpose(1, 0, 2, 3)


# END SOLUTION
