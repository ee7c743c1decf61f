"""Reshapes w_point (F, C*M, 1, 1) to (C*M, F) for h^T @ W, which scrambles the weights instead of transposing them.

w_point[f, k] weighs depthwise channel k in output channel f; reshape keeps the memory order, so
only .T (or w_point[:, :, 0, 0].T) gives the (C*M, F) matrix. The backward is consistent. Right
when F == 1 or C*M == 1.
"""


def separable_conv2d_forward(
    x: np.ndarray,
    w_depth: np.ndarray,
    b_depth: np.ndarray,
    w_point: np.ndarray,
    b_point: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    h, depth_cache = depthwise_conv2d_forward(x, w_depth, b_depth, stride, pad)
    w_point, b_point = (np.asarray(a, dtype=np.float64) for a in (w_point, b_point))
    _check_pointwise_shapes(h.shape[1], w_point, b_point)
    F = w_point.shape[0]
    mix_t = w_point.reshape(h.shape[1], F)  # (C*M, F), to multiply the channels of h
    out = np.einsum("nkhw,kf->nfhw", h, mix_t) + b_point.reshape(1, -1, 1, 1)
    cache = (depth_cache, h, mix_t)
    return out, cache


def separable_conv2d_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    depth_cache, h, mix_t = cache
    dout = np.asarray(dout, dtype=np.float64)
    F = mix_t.shape[1]
    if dout.shape != (h.shape[0], F) + h.shape[2:]:
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = {(h.shape[0], F) + h.shape[2:]}, "
            f"got {dout.shape}"
        )
    db_point = dout.sum(axis=(0, 2, 3))
    dw_point = np.einsum("nfhw,nkhw->kf", dout, h).reshape(F, h.shape[1], 1, 1)
    dh = np.einsum("kf,nfhw->nkhw", mix_t, dout)
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth_cache)
    return dx, dw_depth, db_depth, dw_point, db_point
