"""Group norm with interleaved groups: channel c in group c % G (a reshape to (N, C // G, G, H, W)), not contiguous blocks."""


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "groupnorm_forward", "(N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, "channel (C)", "groupnorm_forward", gamma=gamma, beta=beta)
    _check_groups(groups, C)
    x_g = x.reshape(N, C // groups, groups, H, W)
    mean = x_g.mean(axis=(1, 3, 4), keepdims=True)
    var = x_g.var(axis=(1, 3, 4), keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = ((x_g - mean) * inv_std).reshape(N, C, H, W)
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "groups": groups}


def groupnorm_backward(dout, cache):
    x_hat, inv_std, gamma, groups = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["groups"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "groupnorm_backward")
    N, C, H, W = x_hat.shape
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    g = (dout * gamma.reshape(1, C, 1, 1)).reshape(N, C // groups, groups, H, W)
    x_hat_g = x_hat.reshape(N, C // groups, groups, H, W)
    axes = (1, 3, 4)
    dx = (g - g.mean(axis=axes, keepdims=True) - x_hat_g * (g * x_hat_g).mean(axis=axes, keepdims=True)) * inv_std
    return dx.reshape(N, C, H, W), dgamma, dbeta
