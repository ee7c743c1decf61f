"""dgamma and dbeta summed over the features (axis 1, the normalized axis) instead of over the batch (axis 0)."""


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "layernorm_backward")
    dbeta = dout.sum(axis=1)
    dgamma = (dout * x_hat).sum(axis=1)
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) * inv_std
    return dx, dgamma, dbeta
