"""Max-pooling backward in loops assigns dx[n, c, r, s] = dout[n, c, i, j], so where overlapping windows pick the same element only the last one's gradient survives.

Same mistake as: pooling.overlap_overwrites_instead_of_adds
"""


def max_pool2d_backward(dout, cache):
    x_shape, argmax = cache
    dout = _check_dout(dout, argmax.shape)
    dx = np.zeros(int(np.prod(x_shape)))
    flat_index, flat_dout = argmax.ravel(), dout.ravel()
    for k in range(flat_index.size):
        dx[flat_index[k]] = flat_dout[k]
    return dx.reshape(x_shape)
