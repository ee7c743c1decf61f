"""Computes the output size as (H + 2*pad - KH + 1) // stride, dropping the last window when the stride is > 1.

The student counts the H + 2*pad - KH + 1 window positions and divides them by the stride; right for
stride 1, one window short whenever (H + 2*pad - KH) is a multiple of a stride > 1.
"""


def _output_size(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], stride: tuple[int, int], pad: tuple[int, int]
) -> tuple[int, int]:
    (H, W), (KH, KW), (sh, sw), (ph, pw) = x_shape[2:], w_shape[2:], stride, pad
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if KH < 1 or KW < 1:
        raise ValueError(f"the kernel (KH, KW) = {(KH, KW)} must be at least 1 x 1; w shape {w_shape}")
    if KH > Hp or KW > Wp:
        raise ValueError(
            f"the kernel (KH, KW) = {(KH, KW)} is larger than the padded input "
            f"(H + 2*pad_h, W + 2*pad_w) = {(Hp, Wp)}: x shape {x_shape}, w shape {w_shape}, pad {pad}"
        )
    return (Hp - KH + 1) // sh, (Wp - KW + 1) // sw  # window positions, divided by the stride


def depthwise_conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    M = _check_depthwise_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (_, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    sh, sw = stride
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, : Ho * sh : sh, : Wo * sw : sw]
    filters = w.reshape(C, M, KH, KW)
    out = np.einsum("nchwpq,cmpq->ncmhw", windows, filters).reshape(N, C * M, Ho, Wo)
    out += b.reshape(1, C * M, 1, 1)
    cache = (x.shape, windows, filters, stride, pad)
    return out, cache
