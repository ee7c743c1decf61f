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


def _im2col(x_pad: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (x_pad.shape[2] - KH + 1) // sh, (x_pad.shape[3] - KW + 1) // sw
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, : Ho * sh : sh, : Wo * sw : sw]  # (N, C, Ho, Wo, KH, KW)
    N, C, Ho, Wo = windows.shape[:4]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * Ho * Wo)


def _col2im(
    dcols: np.ndarray, x_pad_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int]
) -> np.ndarray:
    N, C, Hp, Wp = x_pad_shape
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (Hp - KH + 1) // sh, (Wp - KW + 1) // sw
    dcols = dcols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros((C, N, Hp, Wp))
    for kh in range(KH):  # one loop step per kernel offset; overlapping windows add up
        for kw in range(KW):
            dx_pad[:, :, kh : kh + sh * Ho : sh, kw : kw + sw * Wo : sw] += dcols[:, kh, kw]
    return dx_pad.transpose(1, 0, 2, 3)
