"""Divides by the stride with / instead of //, so Ho and Wo are floats (and fractional when the stride does not divide)."""


def conv_output_shape(
    input_shape: tuple[int, int, int],
    filters: int,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[int, int, int]:
    C, H, W = _image_shape(input_shape)
    F = _count(filters, "filters")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    _check_fits((KH, KW), (H + 2 * ph, W + 2 * pw), "the padded input (H + 2*pad_h, W + 2*pad_w)")
    return F, (H + 2 * ph - KH) / sh + 1, (W + 2 * pw - KW) / sw + 1
