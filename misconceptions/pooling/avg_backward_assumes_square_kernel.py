"""Average-pooling backward divides dout by KH**2 instead of KH*KW, the wrong count of elements for a non-square kernel.

Right for square kernels.
"""


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x_shape, (KH, KW), (sh, sw) = cache
    Ho, Wo = (x_shape[2] - KH) // sh + 1, (x_shape[3] - KW) // sw + 1
    dout = _check_dout(dout, x_shape[:2] + (Ho, Wo))
    share = dout / KH**2  # elements per window
    dx = np.zeros(x_shape)
    for kh in range(KH):
        for kw in range(KW):
            dx[_window_slice(kh, kw, (sh, sw), (Ho, Wo))] += share
    return dx
