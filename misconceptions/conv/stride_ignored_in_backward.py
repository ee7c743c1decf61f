"""Scatters the window gradients back with step 1 in the backward, ignoring the stride.

The forward is correct; dx is right for stride 1 only.
"""


def _col2im(
    dcols: np.ndarray, x_pad_shape: tuple[int, ...], kernel: tuple[int, int], stride: tuple[int, int]
) -> np.ndarray:
    N, C, Hp, Wp = x_pad_shape
    (KH, KW), (sh, sw) = kernel, stride
    Ho, Wo = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    dcols = dcols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros((C, N, Hp, Wp))
    for kh in range(KH):  # one loop step per kernel offset; overlapping windows add up
        for kw in range(KW):
            dx_pad[:, :, kh : kh + Ho, kw : kw + Wo] += dcols[:, kh, kw]
    return dx_pad.transpose(1, 0, 2, 3)
