"""Assigns the window gradients into dx (=) instead of adding them (+=), so overlapping windows overwrite each other.

An input pixel covered by several windows gets the sum of their gradients; right when the stride
is at least the kernel size (no overlap).
"""


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
            dx_pad[:, :, p : p + sh * Ho : sh, q : q + sw * Wo : sw] = share
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
