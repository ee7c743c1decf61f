"""The projection shortcut drops its bias bs: s = conv(x, Ws) with a zero bias, and dbs is returned as zeros.

Right for the identity shortcut; wrong whenever params has Ws and bs.
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
        s, shortcut_cache = conv2d_forward(x, params["Ws"], np.zeros_like(params["bs"]), stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    a2 = z + s
    out = np.maximum(a2, 0.0)
    return out, (a1, a2, conv1_cache, conv2_cache, shortcut_cache)


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
        dx = dx + da2
    else:
        dx_shortcut, grads["Ws"], _ = conv2d_backward(da2, shortcut_cache)
        grads["bs"] = np.zeros(da2.shape[1])
        dx = dx + dx_shortcut
    return dx, grads
