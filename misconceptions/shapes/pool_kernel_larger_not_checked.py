"""Does not check that the pooling window fits in the input, and returns a size of 0 or less instead of raising ValueError."""


def pool_output_shape(
    input_shape: tuple[int, int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[int, int, int]:
    C, H, W = _image_shape(input_shape)
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride", 1)
    return C, (H - KH) // sh + 1, (W - KW) // sw + 1
