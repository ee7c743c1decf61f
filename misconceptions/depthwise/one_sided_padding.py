"""Puts all 2*pad rows and columns of zeros at the bottom and right of the input instead of pad on each side.

np.pad(x, ((0, 0), (0, 0), (0, 2*pad_h), (0, 2*pad_w))) gives the right output size but shifts every
window; the backward crops the same way. Right without padding.
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

    x_pad = np.pad(x, ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))
    sh, sw = stride
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]
    filters = w.reshape(C, M, KH, KW)
    out = np.einsum("nchwpq,cmpq->ncmhw", windows, filters).reshape(N, C * M, Ho, Wo)
    out += b.reshape(1, C * M, 1, 1)
    cache = (x.shape, windows, filters, stride, pad)
    return out, cache


def depthwise_conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, windows, filters, (sh, sw), (ph, pw) = cache
    (N, C, H, W), (_, M, KH, KW) = x_shape, filters.shape
    Ho, Wo = windows.shape[2:4]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, C * M, Ho, Wo):
        raise ValueError(
            f"dout must have the forward output's shape (N, C*M, Ho, Wo) = {(N, C * M, Ho, Wo)}, got {dout.shape}"
        )
    dout_groups = dout.reshape(N, C, M, Ho, Wo)
    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nchwpq,ncmhw->cmpq", windows, dout_groups).reshape(C * M, 1, KH, KW)
    dx_pad = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for p in range(KH):
        for q in range(KW):
            share = np.einsum("ncmhw,cm->nchw", dout_groups, filters[:, :, p, q])
            dx_pad[:, :, p : p + sh * Ho : sh, q : q + sw * Wo : sw] += share
    dx = np.ascontiguousarray(dx_pad[:, :, :H, :W])
    return dx, dw, db
