"""Group norm's dx with sums per channel (over H and W) instead of per group, though the forward normalizes per group."""


def groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma, groups = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["groups"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "groupnorm_backward")
    N, C, H, W = x_hat.shape
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    g = dout * gamma.reshape(1, C, 1, 1)
    inv_std_c = np.repeat(inv_std, C // groups, axis=1).reshape(N, C, 1, 1)
    axes = (2, 3)
    dx = (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) * inv_std_c
    return dx, dgamma, dbeta
