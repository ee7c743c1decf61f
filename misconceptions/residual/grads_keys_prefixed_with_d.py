"""Names the gradients dW1, db1, dW2, db2 (dWs, dbs) instead of using the same keys as params.

The values are right; the contract asks for grads with exactly the keys of params.
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
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    if shortcut_cache is None:
        dx = dx + da2
    else:
        dx_shortcut, grads["dWs"], grads["dbs"] = conv2d_backward(da2, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
