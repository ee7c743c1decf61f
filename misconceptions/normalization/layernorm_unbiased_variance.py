"""Layer norm with the unbiased variance of each row (divide by D - 1) instead of the biased one (divide by D)."""


def layernorm_forward(x, gamma, beta, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "layernorm_forward", "(N, D)")
    _check_params(x.shape[1], "feature (D)", "layernorm_forward", gamma=gamma, beta=beta)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, ddof=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}
