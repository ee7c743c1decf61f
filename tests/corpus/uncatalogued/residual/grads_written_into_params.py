"""The backward starts from grads = cache's params dict and overwrites its entries, so the caller's params come back holding the gradients.

The forward keeps a reference to the caller's dict; the gradients are right but params is changed in place.
"""


def residual_block_forward(x, params, stride=1):
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=stride, pad=1)
    h = np.maximum(a1, 0.0)
    z, conv2_cache = conv2d_forward(h, params["W2"], params["b2"], stride=1, pad=1)
    if "Ws" in params:
        s, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    a2 = z + s
    return np.maximum(a2, 0.0), (params, a1, a2, conv1_cache, conv2_cache, shortcut_cache)


def residual_block_backward(dout, cache):
    params, a1, a2, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != a2.shape:
        raise ValueError(f"residual_block_backward: dout must have the shape of the block's output {a2.shape}, got {dout.shape}")
    grads = params
    da2 = _relu_backward(dout, a2)
    dh, grads["W2"], grads["b2"] = conv2d_backward(da2, conv2_cache)
    dx, grads["W1"], grads["b1"] = conv2d_backward(_relu_backward(dh, a1), conv1_cache)
    if shortcut_cache is None:
        dx = dx + da2
    else:
        dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(da2, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
