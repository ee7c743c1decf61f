"""Loops that index the kernel as w[f, c, KH-1-k, KW-1-l] (a true convolution) in the forward, while the backward, copied from the notes, correlates.

Same mistake as: conv.flipped_kernel

The forward flips the kernel; the backward is the gradient of the unflipped cross-correlation, so
it disagrees with the student's own forward (the gradient check fails too).
"""

import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = _output_size(x.shape, w.shape, (sh, sw), (ph, pw))
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    total = b[f]
                    for k in range(KH):
                        for l in range(KW):
                            total += np.sum(x_pad[n, :, i * sh + k, j * sw + l] * w[f, :, KH - 1 - k, KW - 1 - l])
                    out[n, f, i, j] = total
    return out, (x_pad, w, (sh, sw), (ph, pw), x.shape)


def conv2d_backward(dout, cache):
    x_pad, w, (sh, sw), (ph, pw), x_shape = cache
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    dout = np.asarray(dout, dtype=np.float64)
    Ho, Wo = dout.shape[2:]
    dx_pad, dw, db = np.zeros(x_pad.shape), np.zeros(w.shape), dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    g = dout[n, f, i, j]
                    window = x_pad[n, :, i * sh : i * sh + KH, j * sw : j * sw + KW]
                    dw[f] += g * window
                    dx_pad[n, :, i * sh : i * sh + KH, j * sw : j * sw + KW] += g * w[f]
    return dx_pad[:, :, ph : ph + H, pw : pw + W], dw, db
