"""Sends dout itself down the shortcut, as if the shortcut joined after the last ReLU; the branch gets the masked gradient.

out = relu(z + s): both z and s receive the gradient through the ReLU's mask, dout * (z + s > 0).
The forward is right.
"""


def residual_block_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    a1, a2, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != a2.shape:
        raise ValueError(
            f"residual_block_backward: dout must have the shape of the block's output {a2.shape}, got {dout.shape}"
        )
    da2 = _relu_backward(dout, a2)
    dh, dW2, db2 = conv2d_backward(da2, conv2_cache)
    dx, dW1, db1 = conv2d_backward(_relu_backward(dh, a1), conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        dx = dx + dout
    else:
        dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(dout, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
