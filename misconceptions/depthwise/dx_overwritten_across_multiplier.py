"""Assigns each output channel's gradient to dx[:, k // M] instead of adding it, so only the last of a channel's M filters counts.

Input channel c feeds its M output channels c*M ... c*M + M - 1, and dx[:, c] is the sum of what
comes back through all of them; right for M == 1.
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
    w = filters.reshape(C * M, KH, KW)
    dx_pad = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for k in range(C * M):  # the gradient through filter k, back to its input channel
        g = np.zeros((N, H + 2 * ph, W + 2 * pw))
        for p in range(KH):
            for q in range(KW):
                g[:, p : p + sh * Ho : sh, q : q + sw * Wo : sw] += dout[:, k] * w[k, p, q]
        dx_pad[:, k // M] = g
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
