"""Adds the branch into x in place for the identity shortcut (s = x; s += z), which overwrites the caller's x.

Output and gradients are right; x is modified.
"""


def residual_block_forward(
    x: np.ndarray, params: dict[str, np.ndarray], stride: int | tuple[int, int] = 1
) -> tuple[np.ndarray, tuple]:
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
    if "Ws" in params:
        a2 = z + s
    else:
        a2 = s
        a2 += z
    out = np.maximum(a2, 0.0)
    return out, (a1, a2, conv1_cache, conv2_cache, shortcut_cache)
