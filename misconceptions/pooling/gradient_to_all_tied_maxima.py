"""Max-pooling backward sends the window's gradient to every element equal to the maximum, not only to the first one.

The classic mask approach (x == max): right when the maxima are unique, but a window with tied
maxima passes its gradient on several times.
"""


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    N, C, H, W = x.shape
    sh, sw = stride
    windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    out = windows.max(axis=(-2, -1))
    cache = (x, out, (KH, KW), stride)
    return out, cache


def max_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x, out, (KH, KW), stride = cache
    dout = _check_dout(dout, out.shape)
    dx = np.zeros(x.shape)
    for kh in range(KH):
        for kw in range(KW):
            where = _window_slice(kh, kw, stride, out.shape[2:])
            mask = x[where] == out  # this offset holds its window's maximum
            dx[where] += mask * dout
    return dx
