"""Returns z + s without the block's last ReLU (the ReLU after the addition is forgotten).

The backward matches this forward: the gradient after the addition is dout itself, with no ReLU mask.
"""


def residual_block_forward(
    x: np.ndarray, params: dict[str, np.ndarray], stride: int | tuple[int, int] = 1
) -> tuple[np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=stride, pad=1)
    h = np.maximum(a1, 0.0)
    z, conv2_cache = conv2d_forward(h, params["W2"], params["b2"], stride=1, pad=1)
    if "Ws" in params:
        s, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    out = z + s
    return out, (a1, out, conv1_cache, conv2_cache, shortcut_cache)


def residual_block_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    a1, out, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != out.shape:
        raise ValueError(
            f"residual_block_backward: dout must have the shape of the block's output {out.shape}, got {dout.shape}"
        )
    dh, dW2, db2 = conv2d_backward(dout, conv2_cache)
    dx, dW1, db1 = conv2d_backward(_relu_backward(dh, a1), conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        dx = dx + dout
    else:
        dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(dout, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
