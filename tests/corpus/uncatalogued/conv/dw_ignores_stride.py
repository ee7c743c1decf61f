"""The backward slides dw's windows with step 1 (the first Ho x Wo windows), forgetting the stride; dx is right.

Right for stride 1; with a stride above 1, dw correlates dout with the wrong windows of the padded input.
"""


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
    return out, (x_pad, w, stride, pad)


def conv2d_backward(dout, cache):
    x_pad, w, stride, (ph, pw) = cache
    (N, C, Hp, Wp), (F, _, KH, KW) = x_pad.shape, w.shape
    dout = np.asarray(dout, dtype=np.float64)
    Ho, Wo = dout.shape[2:]
    db = dout.sum(axis=(0, 2, 3))
    windows = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, :Ho, :Wo]  # step 1: the stride is missing
    dw = np.einsum("nfij,ncijkl->fckl", dout, windows)
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)
    dx_pad = _col2im(w.reshape(F, C * KH * KW).T @ dout_rows, x_pad.shape, (KH, KW), stride)
    return np.ascontiguousarray(dx_pad[:, :, ph : Hp - ph, pw : Wp - pw]), dw, db
