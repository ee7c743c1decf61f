"""Average-pooling backward spreads window (i, j)'s share over rows i + k and columns j + l, forgetting the stride.

The forward is right; the window starts at row i*stride_h and column j*stride_w of x, so dx is right for stride 1 only.
"""


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x_shape, (KH, KW), (sh, sw) = cache
    Ho, Wo = (x_shape[2] - KH) // sh + 1, (x_shape[3] - KW) // sw + 1
    dout = _check_dout(dout, x_shape[:2] + (Ho, Wo))
    share = dout / (KH * KW)
    dx = np.zeros(x_shape)
    for kh in range(KH):
        for kw in range(KW):
            dx[_window_slice(kh, kw, (1, 1), (Ho, Wo))] += share
    return dx
