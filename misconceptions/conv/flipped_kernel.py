"""Flips the kernel (a true convolution) instead of computing the cross-correlation of torch's conv2d.

The student learned "convolution flips the kernel" and applies w[:, :, ::-1, ::-1] in the forward;
the backward is consistent with that forward, so only the comparison with PyTorch's semantics fails.
"""


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, tuple]:
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = _im2col(x_pad, (KH, KW), stride)  # (C*KH*KW, N*Ho*Wo)
    w_flipped = w[:, :, ::-1, ::-1]  # a convolution flips the kernel
    out = (w_flipped.reshape(F, C * KH * KW) @ cols).reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
    out = out + b.reshape(1, F, 1, 1)
    cache = (x.shape, w, cols, stride, pad)
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, w, cols, stride, (ph, pw) = cache
    (N, C, H, W), (F, _, KH, KW) = x_shape, w.shape
    x_pad_shape = (N, C, H + 2 * ph, W + 2 * pw)
    Ho, Wo = _output_size(x_shape, w.shape, stride, (ph, pw))
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(
            f"dout must have the forward output's shape (N, F, Ho, Wo) = {(N, F, Ho, Wo)}, got {dout.shape}"
        )

    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)
    db = dout.sum(axis=(0, 2, 3))
    dw = (dout_rows @ cols.T).reshape(w.shape)[:, :, ::-1, ::-1]
    dcols = w[:, :, ::-1, ::-1].reshape(F, C * KH * KW).T @ dout_rows  # (C*KH*KW, N*Ho*Wo)
    dx_pad = _col2im(dcols, x_pad_shape, (KH, KW), stride)
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
