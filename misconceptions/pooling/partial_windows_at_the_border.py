"""Starts a window at every multiple of the stride below H and W (range(0, H, stride)), so windows that run past the border are pooled over what is left.

The output has extra rows and columns whenever the last full window does not end at the border;
PyTorch (without ceil_mode) keeps only the windows that fit entirely.
"""


def _starts(size: int, kernel: int, stride: int) -> list[int]:
    return list(range(0, size, stride))


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), (sh, sw), _ = _geometry(x, kernel_size, stride)
    N, C, H, W = x.shape
    rows, cols = _starts(H, KH, sh), _starts(W, KW, sw)
    out = np.zeros((N, C, len(rows), len(cols)))
    argmax = np.zeros(out.shape, dtype=np.int64)
    base = np.arange(N * C).reshape(N, C) * H
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            window = x[:, :, r : r + KH, c : c + KW]
            h, w = window.shape[2:]
            k = window.reshape(N, C, h * w).argmax(axis=-1)
            out[:, :, i, j] = np.take_along_axis(window.reshape(N, C, h * w), k[..., None], axis=-1)[..., 0]
            argmax[:, :, i, j] = (base + r + k // w) * W + c + k % w
    return out, (x.shape, argmax)


def avg_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), (sh, sw), _ = _geometry(x, kernel_size, stride)
    N, C, H, W = x.shape
    rows, cols = _starts(H, KH, sh), _starts(W, KW, sw)
    out = np.zeros((N, C, len(rows), len(cols)))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            out[:, :, i, j] = x[:, :, r : r + KH, c : c + KW].mean(axis=(2, 3))
    return out, (x.shape, (KH, KW), (sh, sw))


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x_shape, (KH, KW), (sh, sw) = cache
    rows, cols = _starts(x_shape[2], KH, sh), _starts(x_shape[3], KW, sw)
    dout = _check_dout(dout, x_shape[:2] + (len(rows), len(cols)))
    dx = np.zeros(x_shape)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            window = dx[:, :, r : r + KH, c : c + KW]
            window += dout[:, :, i, j][:, :, None, None] / (window.shape[2] * window.shape[3])
    return dx
