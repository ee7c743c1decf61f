"""A forward written with a relu helper returns relu(z) + shortcut, applying the last ReLU before the addition.

Same mistake as: residual.relu_before_addition

The backward masks with z > 0 to match, so it is consistent with this forward.
"""


def relu(a):
    return a * (a > 0)


def residual_block_forward(x, params, stride=1):
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=stride, pad=1)
    z, conv2_cache = conv2d_forward(relu(a1), params["W2"], params["b2"], stride=1, pad=1)
    if "Ws" in params:
        shortcut, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        shortcut, shortcut_cache = x, None
    return relu(z) + shortcut, (a1, z, conv1_cache, conv2_cache, shortcut_cache)


def residual_block_backward(dout, cache):
    a1, z, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != z.shape:
        raise ValueError(f"residual_block_backward: dout must have the shape of the block's output {z.shape}, got {dout.shape}")
    dz = dout * (z > 0)
    dh, dW2, db2 = conv2d_backward(dz, conv2_cache)
    dx, dW1, db1 = conv2d_backward(dh * (a1 > 0), conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        return dx + dout, grads
    dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(dout, shortcut_cache)
    return dx + dx_shortcut, grads
