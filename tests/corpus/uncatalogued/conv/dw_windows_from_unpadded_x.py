"""The backward takes dw's windows from the unpadded x (the forward padded it), so it fails whenever pad > 0.

The student caches x rather than the padded x and slices x[n, :, i*s : i*s + KH, j*s : j*s + KW]
in the backward; near the border that slice is smaller than the kernel and numpy cannot broadcast it.
"""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    stride, pad = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    ph, pw = pad
    Ho, Wo = _output_size(x.shape, w.shape, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = _im2col(x_pad, (KH, KW), stride)
    out = (w.reshape(F, C * KH * KW) @ cols).reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
    out = out + b.reshape(1, F, 1, 1)
    return out, (x, w, cols, stride, pad)


def conv2d_backward(dout, cache):
    x, w, cols, (sh, sw), (ph, pw) = cache
    (N, C, H, W), (F, _, KH, KW) = x.shape, w.shape
    dout = np.asarray(dout, dtype=np.float64)
    Ho, Wo = dout.shape[2:]
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)
    db = dout.sum(axis=(0, 2, 3))
    dw = np.zeros(w.shape)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                window = x[n, :, i * sh : i * sh + KH, j * sw : j * sw + KW]
                dw += dout[n, :, i, j].reshape(F, 1, 1, 1) * window
    dcols = w.reshape(F, C * KH * KW).T @ dout_rows
    dx_pad = _col2im(dcols, (N, C, H + 2 * ph, W + 2 * pw), (KH, KW), (sh, sw))
    return np.ascontiguousarray(dx_pad[:, :, ph : ph + H, pw : pw + W]), dw, db
