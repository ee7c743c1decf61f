"""Group norm computed as instance norm whatever groups says: statistics per image and channel, over H and W only."""


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "groupnorm_forward", "(N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, "channel (C)", "groupnorm_forward", gamma=gamma, beta=beta)
    _check_groups(groups, C)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "groups": groups}


def groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "groupnorm_backward")
    C = x_hat.shape[1]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    g = dout * gamma.reshape(1, C, 1, 1)
    axes = (2, 3)
    dx = (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) * inv_std
    return dx, dgamma, dbeta
