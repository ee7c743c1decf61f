"""Group norm with the unbiased variance of each group (divide by M - 1) instead of the biased one (divide by M)."""


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "groupnorm_forward", "(N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, "channel (C)", "groupnorm_forward", gamma=gamma, beta=beta)
    _check_groups(groups, C)
    x_g = x.reshape(N, groups, -1)
    mean = x_g.mean(axis=2, keepdims=True)
    var = x_g.var(axis=2, ddof=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = ((x_g - mean) * inv_std).reshape(N, C, H, W)
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "groups": groups}
