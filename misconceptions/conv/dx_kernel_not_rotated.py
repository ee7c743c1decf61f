"""Computes dx as the "full convolution" of dout with the kernel but forgets to rotate the kernel by 180 degrees.

The textbook form of dx correlates the zero-padded dout with w flipped in both spatial axes; without
the flip each input pixel receives its windows' gradients through the mirrored kernel weights.
The forward, dw and db are right.
"""


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
    dw = (dout_rows @ cols.T).reshape(w.shape)
    unrotated = w[:, :, ::-1, ::-1]  # what the full convolution's missing rotation amounts to here
    dcols = unrotated.reshape(F, C * KH * KW).T @ dout_rows  # (C*KH*KW, N*Ho*Wo)
    dx_pad = _col2im(dcols, x_pad_shape, (KH, KW), stride)
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
