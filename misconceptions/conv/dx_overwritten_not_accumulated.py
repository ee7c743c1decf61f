"""Assigns each kernel offset's contribution to dx instead of adding it, so overlapping windows overwrite each other.

Right when the stride equals the kernel size (no overlap); wrong as soon as windows overlap.
"""


def _col2im(
    dcols: np.ndarray, x_pad_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int]
) -> np.ndarray:
    N, C, Hp, Wp = x_pad_shape
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    dcols = dcols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros((C, N, Hp, Wp))
    for kh in range(KH):  # one loop step per kernel offset
        for kw in range(KW):
            dx_pad[:, :, kh : kh + sh * Ho : sh, kw : kw + sw * Wo : sw] = dcols[:, kh, kw]
    return dx_pad.transpose(1, 0, 2, 3)
