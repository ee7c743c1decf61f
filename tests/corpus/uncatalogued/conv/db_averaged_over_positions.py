"""db divides the sum of dout by the number of output positions Ho*Wo, as if the bias were shared by a mean over the positions.

The forward adds b[f] at every output position, so each position contributes its whole dout to db.
"""


def conv2d_backward(dout, cache):
    x_shape, w, cols, stride, (ph, pw) = cache
    (N, C, H, W), (F, _, KH, KW) = x_shape, w.shape
    dout = np.asarray(dout, dtype=np.float64)
    Ho, Wo = dout.shape[2:]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)
    db = dout.sum(axis=(0, 2, 3)) / (Ho * Wo)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows
    dx_pad = _col2im(dcols, (N, C, H + 2 * ph, W + 2 * pw), (KH, KW), stride)
    return np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W]), dw, db
