"""Computes the output size as (H + 2*pad - KH) // stride, forgetting the + 1, so the last window is always dropped.

Same mistake as: conv.output_size_off_by_one

The student counts "how many strides fit" instead of "how many windows fit"; wrong for stride 1 too.
"""


def _output_size(x_shape, w_shape, stride, pad):
    (H, W), (KH, KW), (sh, sw), (ph, pw) = x_shape[2:], w_shape[2:], stride, pad
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if KH > Hp or KW > Wp:
        raise ValueError(f"the kernel {(KH, KW)} is larger than the padded input {(Hp, Wp)}")
    return (Hp - KH) // sh, (Wp - KW) // sw


def _im2col(x_pad, kernel, stride):
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (x_pad.shape[2] - KH) // sh, (x_pad.shape[3] - KW) // sw
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, : Ho * sh : sh, : Wo * sw : sw]
    N, C = windows.shape[:2]
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * Ho * Wo)


def _col2im(dcols, x_pad_shape, kernel, stride):
    N, C, Hp, Wp = x_pad_shape
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (Hp - KH) // sh, (Wp - KW) // sw
    dcols = dcols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros((C, N, Hp, Wp))
    for kh in range(KH):
        for kw in range(KW):
            dx_pad[:, :, kh : kh + sh * Ho : sh, kw : kw + sw * Wo : sw] += dcols[:, kh, kw]
    return dx_pad.transpose(1, 0, 2, 3)
