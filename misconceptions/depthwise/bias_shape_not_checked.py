"""Does not check b's shape and adds it with broadcasting, so a bias of length 1 is silently added to every channel.

The values are right for every valid input; the contract asks for a ValueError when b is not (C*M,).
"""


def depthwise_conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    M = _check_depthwise_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (_, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    sh, sw = stride
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    filters = w.reshape(C, M, KH, KW)
    out = np.einsum("nchwpq,cmpq->ncmhw", windows, filters).reshape(N, C * M, Ho, Wo)
    out += b[None, :, None, None]
    cache = (x.shape, windows, filters, stride, pad)
    return out, cache


def _check_depthwise_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> int:
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != 1:
        raise ValueError(f"w must be 4-D (C*M, 1, KH, KW), one input channel per filter, got shape {w.shape}")
    C = x.shape[1]
    if C < 1 or w.shape[0] < C or w.shape[0] % C:
        raise ValueError(f"w.shape[0] must be a multiple of C = {C}: x shape {x.shape}, w shape {w.shape}")
    return w.shape[0] // C
