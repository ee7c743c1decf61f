"""Adds the bias as out + b, so numpy lines b (F,) up with the last axis (the output width) instead of the filters.

An error when Wo != F; when Wo == F it runs and adds b[j] at column j of every filter instead of b[f] to filter f.
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
    out = (w.reshape(F, C * KH * KW) @ cols).reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
    out = out + b
    cache = (x.shape, w, cols, stride, pad)
    return out, cache
