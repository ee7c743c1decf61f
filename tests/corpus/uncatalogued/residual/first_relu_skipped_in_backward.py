"""The backward goes through the last ReLU but passes dh straight back to the first convolution, skipping the first ReLU's mask.

The forward is right; dW1, db1 and dx pick up gradient where the first ReLU was off.
"""


def residual_block_backward(dout, cache):
    a1, a2, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != a2.shape:
        raise ValueError(f"residual_block_backward: dout must have the shape of the block's output {a2.shape}, got {dout.shape}")
    da2 = _relu_backward(dout, a2)
    dh, dW2, db2 = conv2d_backward(da2, conv2_cache)
    dx, dW1, db1 = conv2d_backward(dh, conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        dx = dx + da2
    else:
        dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(da2, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
