"""Uses the rule of thumb Ho = H // stride_h (a 2x2 pool halves the image) instead of (H - KH) // stride_h + 1.

Right when the stride equals the kernel, wrong when windows overlap or skip.
"""


def pool_output_shape(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[int, int, int]:
    C, H, W = _image_shape(input_shape)
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride", 1)
    _check_fits((KH, KW), (H, W), "the input (H, W)")
    return C, H // sh, W // sw
