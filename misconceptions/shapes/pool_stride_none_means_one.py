"""Takes stride=None as a stride of 1 (conv's default) instead of the kernel size (pooling's default)."""


def pool_output_shape(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[int, int, int]:
    C, H, W = _image_shape(input_shape)
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (1, 1) if stride is None else _pair(stride, "stride", 1)
    _check_fits((KH, KW), (H, W), "the input (H, W)")
    return C, (H - KH) // sh + 1, (W - KW) // sw + 1
