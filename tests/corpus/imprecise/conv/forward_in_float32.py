"""conv2d_forward computes in float32 and casts the output back to float64; the backward is right.

The student converts the inputs with ``astype(np.float32)`` to save memory and returns
``out.astype(np.float64)``. The output is within 1e-7 of the exact one, so the forward and backward
checks pass at 1e-6, but float32 rounding swamps central differences at the gradient check's step.
"""

_exact_conv2d_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, pad=0):
    single = [np.asarray(a).astype(np.float32) for a in (x, w, b)]
    out, _ = _exact_conv2d_forward(*single, stride, pad)
    _, cache = _exact_conv2d_forward(x, w, b, stride, pad)
    return out.astype(np.float32).astype(np.float64), cache
