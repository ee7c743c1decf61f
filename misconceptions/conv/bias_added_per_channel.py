"""Adds the bias inside the loop over input channels, so each filter's bias is counted C times.

Right for one input channel only; the backward's db is the correct sum, so it disagrees with this forward.
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
    cols_c = cols.reshape(C, KH * KW, N * Ho * Wo)
    out = np.zeros((F, N * Ho * Wo))
    for c in range(C):  # one input channel at a time
        out += w[:, c].reshape(F, KH * KW) @ cols_c[c] + b.reshape(F, 1)
    out = out.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
    cache = (x.shape, w, cols, stride, pad)
    return out, cache
