"""Passes the separable convolution's stride and pad to the pointwise 1x1 convolution too, subsampling and padding twice.

Only the depthwise convolution has the stride and the padding; the pointwise one has stride 1 and
no padding, so the output keeps the depthwise output's size. The backward is consistent. Right for
stride 1 and pad 0.
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
    mix = _check_pointwise_shapes(h.shape[1], w_point, b_point)
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    h_pad = np.pad(h, ((0, 0), (0, 0), (ph, ph), (pw, pw)))[:, :, ::sh, ::sw]  # the 1x1 conv's own stride and pad
    out = np.einsum("fk,nkhw->nfhw", mix, h_pad) + b_point.reshape(1, -1, 1, 1)
    cache = (depth_cache, h, h_pad, mix, (sh, sw), (ph, pw))
    return out, cache


def separable_conv2d_backward(
    dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    depth_cache, h, h_pad, mix, (sh, sw), (ph, pw) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (h.shape[0], mix.shape[0]) + h_pad.shape[2:]:
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = "
            f"{(h.shape[0], mix.shape[0]) + h_pad.shape[2:]}, got {dout.shape}"
        )
    db_point = dout.sum(axis=(0, 2, 3))
    dw_point = np.einsum("nfhw,nkhw->fk", dout, h_pad)[:, :, None, None]
    dh_pad = np.zeros((h.shape[0], h.shape[1], h.shape[2] + 2 * ph, h.shape[3] + 2 * pw))
    dh_pad[:, :, ::sh, ::sw] = np.einsum("fk,nfhw->nkhw", mix, dout)
    dh = dh_pad[:, :, ph : ph + h.shape[2], pw : pw + h.shape[3]]
    dx, dw_depth, db_depth = depthwise_conv2d_backward(dh, depth_cache)
    return dx, dw_depth, db_depth, dw_point, db_point
