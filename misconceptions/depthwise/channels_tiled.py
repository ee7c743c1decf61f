"""Lays the input channels out with np.tile instead of np.repeat, so output channel k reads input channel k % C instead of k // M.

np.tile(x, (1, M, 1, 1)) stacks M copies of all C channels (c0 c1 c2 c0 c1 c2 ...); the M filters
of a channel are contiguous in w (c0 c0 c1 c1 c2 c2 ...), as np.repeat(x, M, axis=1) lays the
channels out. The backward is consistent with that forward. Right when M == 1 or C == 1.
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
    (N, C, H, W), (K, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    _output_size(x.shape, w.shape, stride, pad)

    x_tiled = np.pad(np.tile(x, (1, M, 1, 1)), ((0, 0), (0, 0), (ph, ph), (pw, pw)))  # one channel per filter
    sh, sw = stride
    windows = sliding_window_view(x_tiled, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C*M, Ho, Wo, KH, KW)
    out = np.einsum("nkhwpq,kpq->nkhw", windows, w[:, 0]) + b.reshape(1, K, 1, 1)
    cache = (x.shape, windows, w, stride, pad)
    return out, cache


def depthwise_conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, windows, w, (sh, sw), (ph, pw) = cache
    (N, C, H, W), (K, _, KH, KW) = x_shape, w.shape
    Ho, Wo = windows.shape[2:4]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, K, Ho, Wo):
        raise ValueError(
            f"dout must have the forward output's shape (N, C*M, Ho, Wo) = {(N, K, Ho, Wo)}, got {dout.shape}"
        )
    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nkhwpq,nkhw->kpq", windows, dout)[:, None]
    dx_tiled = np.zeros((N, K, H + 2 * ph, W + 2 * pw))
    for p in range(KH):
        for q in range(KW):
            dx_tiled[:, :, p : p + sh * Ho : sh, q : q + sw * Wo : sw] += dout * w[:, 0, p, q].reshape(1, K, 1, 1)
    dx = dx_tiled[:, :, ph : ph + H, pw : pw + W].reshape(N, K // C, C, H, W).sum(axis=1)  # undo the tiling
    return dx, dw, db
