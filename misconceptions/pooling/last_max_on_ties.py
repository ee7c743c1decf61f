"""Max pooling scans each window with >=, so on ties the LAST maximum (row-major) gets the gradient instead of the first.

The forward values are right; only windows with tied maxima route their gradient to the wrong element.
"""


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    N, C, H, W = x.shape
    sh, sw = stride
    windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    windows = windows.reshape(N, C, Ho, Wo, KH * KW)
    best = windows[..., 0]
    k = np.zeros(best.shape, dtype=np.int64)
    for offset in range(1, KH * KW):  # scan the window, remembering where the maximum is
        better = windows[..., offset] >= best
        best = np.where(better, windows[..., offset], best)
        k = np.where(better, offset, k)
    out = np.take_along_axis(windows, k[..., None], axis=-1)[..., 0]
    # Flat index into x of every window's chosen element.
    rows = np.arange(Ho).reshape(Ho, 1) * sh + k // KW
    cols = np.arange(Wo) * sw + k % KW
    argmax = (np.arange(N * C).reshape(N, C, 1, 1) * H + rows) * W + cols
    cache = (x.shape, argmax)
    return out, cache
