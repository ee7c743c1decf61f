"""Layer norm with x.mean() and x.var() without an axis: one mean and one variance for the whole batch."""


def layernorm_forward(x, gamma, beta, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "layernorm_forward", "(N, D)")
    _check_params(x.shape[1], "feature (D)", "layernorm_forward", gamma=gamma, beta=beta)
    inv_std = 1.0 / np.sqrt(x.var() + eps)
    x_hat = (x - x.mean()) * inv_std
    return gamma * x_hat + beta, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "layernorm_backward")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean() - x_hat * (g * x_hat).mean()) * inv_std
    return dx, dgamma, dbeta
