"""With the projection shortcut, dx is assigned the shortcut's gradient (dx = dx_shortcut), dropping the gradient through the convolutions.

The identity case adds both paths; the projection branch overwrites the branch's dx instead of adding to it.
"""


def residual_block_backward(dout, cache):
    a1, a2, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != a2.shape:
        raise ValueError(f"residual_block_backward: dout must have the shape of the block's output {a2.shape}, got {dout.shape}")
    da2 = _relu_backward(dout, a2)
    dh, dW2, db2 = conv2d_backward(da2, conv2_cache)
    dx, dW1, db1 = conv2d_backward(_relu_backward(dh, a1), conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        dx = dx + da2
    else:
        dx, grads["Ws"], grads["bs"] = conv2d_backward(da2, shortcut_cache)
    return dx, grads
