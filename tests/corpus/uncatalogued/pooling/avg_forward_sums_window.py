"""Average-pooling forward sums each window without dividing by its area KH*KW; the backward (from the notes) divides.

The forward returns window sums; the backward spreads dout / (KH*KW) as the mean's gradient would.
"""


def avg_pool2d_forward(x, kernel_size, stride=None):
    x = np.asarray(x, dtype=np.float64)
    (KH, KW), stride, (Ho, Wo) = _geometry(x, kernel_size, stride)
    out = np.zeros(x.shape[:2] + (Ho, Wo))
    for kh in range(KH):
        for kw in range(KW):
            out += x[_window_slice(kh, kw, stride, (Ho, Wo))]
    cache = (x.shape, (KH, KW), stride)
    return out, cache
