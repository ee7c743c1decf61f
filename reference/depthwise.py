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

# BEGIN SOLUTION
from numpy.lib.stride_tricks import sliding_window_view
# END SOLUTION


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
    # BEGIN SOLUTION: check the arguments, pad x, then correlate each channel with its M filters
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    M = _check_depthwise_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (_, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    sh, sw = stride
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    filters = w.reshape(C, M, KH, KW)  # filters[c, m] = w[c*M + m, 0]: the M filters of channel c
    out = np.einsum("nchwpq,cmpq->ncmhw", windows, filters).reshape(N, C * M, Ho, Wo)
    out += b.reshape(1, C * M, 1, 1)
    cache = (x.shape, windows, filters, stride, pad)
    return out, cache
    # END SOLUTION


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
    # BEGIN SOLUTION: sum dout for db, correlate it with the windows for dw, scatter it back for dx
    x_shape, windows, filters, (sh, sw), (ph, pw) = cache
    (N, C, H, W), (_, M, KH, KW) = x_shape, filters.shape
    Ho, Wo = windows.shape[2:4]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, C * M, Ho, Wo):
        raise ValueError(
            f"dout must have the forward output's shape (N, C*M, Ho, Wo) = {(N, C * M, Ho, Wo)}, got {dout.shape}"
        )

    dout_groups = dout.reshape(N, C, M, Ho, Wo)  # dout_groups[:, c, m] = dout[:, c*M + m]
    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nchwpq,ncmhw->cmpq", windows, dout_groups).reshape(C * M, 1, KH, KW)
    dx_pad = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for p in range(KH):  # one step per kernel offset: every window sends its share to its (p, q) element
        for q in range(KW):
            share = np.einsum("ncmhw,cm->nchw", dout_groups, filters[:, :, p, q])  # summed over the M filters
            dx_pad[:, :, p : p + sh * Ho : sh, q : q + sw * Wo : sw] += share
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
    # END SOLUTION


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
    # BEGIN SOLUTION: the depthwise convolution, then mix its channels at every position
    h, depth_cache = depthwise_conv2d_forward(x, w_depth, b_depth, stride, pad)
    w_point, b_point = (np.asarray(a, dtype=np.float64) for a in (w_point, b_point))
    mix = _check_pointwise_shapes(h.shape[1], w_point, b_point)  # (F, C*M)
    out = np.einsum("fk,nkhw->nfhw", mix, h) + b_point.reshape(1, -1, 1, 1)
    cache = (depth_cache, h, mix)
    return out, cache
    # END SOLUTION


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
    # BEGIN SOLUTION: the pointwise layer's gradients, then dh through the depthwise backward
    depth_cache, h, mix = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (h.shape[0], mix.shape[0]) + h.shape[2:]:
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = "
            f"{(h.shape[0], mix.shape[0]) + h.shape[2:]}, got {dout.shape}"
        )
    db_point = dout.sum(axis=(0, 2, 3))
    dw_point = np.einsum("nfhw,nkhw->fk", dout, h)[:, :, None, None]
    dh = np.einsum("fk,nfhw->nkhw", mix, dout)
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth_cache)
    return dx, dw_depth, db_depth, dw_point, db_point
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


# BEGIN SOLUTION
def _check_depthwise_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> int:
    """The depth multiplier M; ``ValueError`` unless x, w and b fit together."""
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != 1:
        raise ValueError(f"w must be 4-D (C*M, 1, KH, KW), one input channel per filter, got shape {w.shape}")
    C = x.shape[1]
    if C < 1 or w.shape[0] < C or w.shape[0] % C:
        raise ValueError(
            f"w must hold M >= 1 filters per input channel, so w.shape[0] must be a multiple of C = {C}: "
            f"x shape {x.shape} (N, C, H, W), w shape {w.shape} (C*M, 1, KH, KW)"
        )
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (C*M,) = ({w.shape[0]},) for w of shape {w.shape}, got {b.shape}")
    return w.shape[0] // C


def _check_pointwise_shapes(channels: int, w_point: np.ndarray, b_point: np.ndarray) -> np.ndarray:
    """``w_point`` as the (F, C*M) matrix it is; ``ValueError`` unless it and b_point fit ``channels`` = C*M."""
    if w_point.ndim != 4 or w_point.shape[1:] != (channels, 1, 1):
        raise ValueError(
            f"w_point must have shape (F, C*M, 1, 1) with C*M = {channels} (the depthwise output's channels), "
            f"got {w_point.shape}"
        )
    if b_point.shape != (w_point.shape[0],):
        raise ValueError(
            f"b_point must have shape (F,) = ({w_point.shape[0]},) for w_point of shape {w_point.shape}, "
            f"got {b_point.shape}"
        )
    return w_point[:, :, 0, 0]


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


# END SOLUTION
