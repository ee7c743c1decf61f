"""Reads a pair kernel_size as (width, height) instead of (height, width).

Right for square kernels; a non-square kernel is transposed (and so is the default stride).
"""


def _geometry(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    KW, KH = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KW) if stride is None else _pair(stride, "stride", 1)
    H, W = x.shape[2:]
    if KH > H or KW > W:
        raise ValueError(
            f"kernel_size (KH, KW) = {(KH, KW)} is larger than the input (H, W) = {(H, W)}: x shape {x.shape}"
        )
    return (KH, KW), (sh, sw), ((H - KH) // sh + 1, (W - KW) // sw + 1)
