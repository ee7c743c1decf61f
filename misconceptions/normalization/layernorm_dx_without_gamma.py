"""Layer norm's dx computed from dout instead of dout * gamma, the gradient on x_hat."""


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "layernorm_backward")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = (dout - dout.mean(axis=1, keepdims=True) - x_hat * (dout * x_hat).mean(axis=1, keepdims=True)) * inv_std
    return dx, dgamma, dbeta
