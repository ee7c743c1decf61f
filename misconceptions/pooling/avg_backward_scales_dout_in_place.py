"""Average-pooling backward divides dout by the window's area in place (dout /= KH*KW), changing the caller's array.

The gradient it returns is right; the upstream gradient the caller passed in is silently rescaled.
"""


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x_shape, (KH, KW), (sh, sw) = cache
    Ho, Wo = (x_shape[2] - KH) // sh + 1, (x_shape[3] - KW) // sw + 1
    dout = _check_dout(dout, x_shape[:2] + (Ho, Wo))
    dout /= KH * KW  # each element's share of the window's gradient
    share = dout
    dx = np.zeros(x_shape)
    for kh in range(KH):
        for kw in range(KW):
            dx[_window_slice(kh, kw, (sh, sw), (Ho, Wo))] += share
    return dx
