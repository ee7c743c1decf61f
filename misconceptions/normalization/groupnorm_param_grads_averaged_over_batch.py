"""Group norm's dgamma and dbeta averaged over the batch instead of summed: gamma and beta are shared by every image."""


def groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma, groups = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["groups"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "groupnorm_backward")
    N, C, H, W = x_hat.shape
    dbeta = dout.sum(axis=(2, 3)).mean(axis=0)
    dgamma = (dout * x_hat).sum(axis=(2, 3)).mean(axis=0)
    g = (dout * gamma.reshape(1, C, 1, 1)).reshape(N, groups, -1)
    x_hat_g = x_hat.reshape(N, groups, -1)
    dx = (g - g.mean(axis=2, keepdims=True) - x_hat_g * (g * x_hat_g).mean(axis=2, keepdims=True)) * inv_std
    return dx.reshape(N, C, H, W), dgamma, dbeta
