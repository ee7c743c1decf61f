"""Adds the padding once instead of on both sides: H + pad_h rows instead of H + 2*pad_h.

Right without padding.
"""


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
    _check_fits((KH, KW), (H + ph, W + pw), "the padded input (H + pad_h, W + pad_w)")
    return F, (H + ph - KH) // sh + 1, (W + pw - KW) // sw + 1
