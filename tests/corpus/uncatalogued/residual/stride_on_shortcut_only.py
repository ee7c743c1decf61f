"""The first 3x3 convolution ignores the block's stride; only the projection shortcut is strided.

The sum is written shortcut first, relu(s + z), so on a strided block it raises the very broadcast
error of a shortcut that ignores the stride (relu(z + s) with shapes (N, F, Ho, Wo) and
(N, F, H, W)), though the mistake is in the branch, not in the shortcut.
"""


def residual_block_forward(x, params, stride=1):
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=1, pad=1)
    h = np.maximum(a1, 0.0)
    z, conv2_cache = conv2d_forward(h, params["W2"], params["b2"], stride=1, pad=1)
    if "Ws" in params:
        s, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    a2 = s + z
    out = np.maximum(a2, 0.0)
    return out, (a1, a2, conv1_cache, conv2_cache, shortcut_cache)
