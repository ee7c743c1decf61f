"""Puts the block's stride on the second 3x3 convolution and gives the first one stride 1.

The sizes still fit (the branch is downsampled once either way), so it runs and gives other values whenever stride > 1.
"""


def residual_block_forward(x, params, stride=1):
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=1, pad=1)
    h = np.maximum(a1, 0.0)
    z, conv2_cache = conv2d_forward(h, params["W2"], params["b2"], stride=stride, pad=1)
    if "Ws" in params:
        s, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    a2 = z + s
    return np.maximum(a2, 0.0), (a1, a2, conv1_cache, conv2_cache, shortcut_cache)
