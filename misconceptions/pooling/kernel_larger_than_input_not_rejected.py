"""Does not check that the kernel fits in the input, so a too-large kernel silently gives an empty output.

The values are right for every valid input; the contract asks for a ValueError.
"""


def _geometry(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride", 1)
    H, W = x.shape[2:]
    return (KH, KW), (sh, sw), ((H - KH) // sh + 1, (W - KW) // sw + 1)
