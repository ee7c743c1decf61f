"""Computes dw image by image but assigns instead of adding, so dw is the last image's gradient only.

Right for a batch of one image; with N > 1 the other images' contributions to dw are lost.
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
    cols_n = cols.reshape(C * KH * KW, N, Ho * Wo)
    for n in range(N):  # dw of each image
        dw = (dout[n].reshape(F, Ho * Wo) @ cols_n[:, n].T).reshape(w.shape)
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows  # (C*KH*KW, N*Ho*Wo)
    dx_pad = _col2im(dcols, x_pad_shape, (KH, KW), stride)
    dx = np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W])
    return dx, dw, db
