"""Max-pooling backward puts window (i, j)'s gradient at (i + k, j + l) instead of (i*stride + k, j*stride + l), forgetting the stride.

The forward values are right; the position of each window's maximum in x is computed from the output
position without multiplying it by the stride, so dx is right for stride 1 only.
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
    k = windows.argmax(axis=-1)  # argmax picks the first maximum in row-major order
    out = np.take_along_axis(windows, k[..., None], axis=-1)[..., 0]
    # Flat index into x of every window's chosen element.
    rows = np.arange(Ho).reshape(Ho, 1) + k // KW
    cols = np.arange(Wo) + k % KW
    argmax = (np.arange(N * C).reshape(N, C, 1, 1) * H + rows) * W + cols
    cache = (x.shape, argmax)
    return out, cache
