"""conv2d_backward correlates dout with the windows at step 1: dw forgets the stride; dx and db are right.

A loop over the output positions takes the window ``x_pad[:, :, i:i + KH, j:j + KW]`` instead of
the one starting at ``(i * stride_h, j * stride_w)``. With stride 1 the two are the same.
"""

_exact_conv2d_forward, _exact_conv2d_backward = conv2d_forward, conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _exact_conv2d_forward(x, w, b, stride, pad)
    return out, (cache, np.asarray(x, dtype=np.float64))


def conv2d_backward(dout, cache):
    cache, x = cache
    dx, _, db = _exact_conv2d_backward(dout, cache)
    _, w, _, _, (ph, pw) = cache
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    KH, KW = w.shape[2:]
    dw = np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x_pad[:, :, i:i + KH, j:j + KW]
            dw += np.einsum("nf,nckl->fckl", dout[:, :, i, j], window)
    return dx, dw, db
