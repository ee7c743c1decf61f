"""Layer norm's dx without the path through the row variance (the - x_hat * mean(g * x_hat) term)."""


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "layernorm_backward")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True)) * inv_std
    return dx, dgamma, dbeta
