"""conv2d_forward flips the kernel with np.flip before sliding it, in four nested loops: a true convolution.

Same mistake as: conv.flipped_kernel
The student remembers the textbook definition of a convolution; the backward is written to match
the flipped forward, so dx and dw are those of a convolution too.
"""


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    _check_shapes(x, w, b)
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(pad, "pad", 0)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = _output_size(x.shape, w.shape, (sh, sw), (ph, pw))
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kernel = np.flip(w, axis=(2, 3))
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = x_pad[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    out[n, f, i, j] = np.sum(window * kernel[f]) + b[f]
    return out, (x_pad, kernel, (sh, sw), (ph, pw), x.shape)


def conv2d_backward(dout, cache):
    x_pad, kernel, (sh, sw), (ph, pw), (N, C, H, W) = cache
    F, _, KH, KW = kernel.shape
    dx_pad, dkernel = np.zeros_like(x_pad), np.zeros_like(kernel)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = (n, slice(None), slice(i * sh, i * sh + KH), slice(j * sw, j * sw + KW))
                    dx_pad[window] += dout[n, f, i, j] * kernel[f]
                    dkernel[f] += dout[n, f, i, j] * x_pad[window]
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    return dx, np.flip(dkernel, axis=(2, 3)), dout.sum(axis=(0, 2, 3))
