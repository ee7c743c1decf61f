"""The backward flattens dout with dout.reshape(F, -1) instead of moving the filter axis first, mixing images and filters.

Right for a batch of one image; dw and dx are wrong as soon as N > 1 (db, a plain sum, stays right).
"""


def conv2d_backward(dout, cache):
    x_shape, w, cols, stride, (ph, pw) = cache
    (N, C, H, W), (F, _, KH, KW) = x_shape, w.shape
    dout = np.asarray(dout, dtype=np.float64)
    dout_rows = dout.reshape(F, -1)
    db = dout.sum(axis=(0, 2, 3))
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows
    dx_pad = _col2im(dcols, (N, C, H + 2 * ph, W + 2 * pw), (KH, KW), stride)
    return np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W]), dw, db
