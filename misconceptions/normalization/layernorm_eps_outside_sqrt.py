"""Layer norm dividing by sqrt(var) + eps instead of sqrt(var + eps)."""


def layernorm_forward(x, gamma, beta, eps=1e-5):
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "layernorm_forward", "(N, D)")
    _check_params(x.shape[1], "feature (D)", "layernorm_forward", gamma=gamma, beta=beta)
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    x_hat = (x - mean) / (std + eps)
    inv_std = 1.0 / np.sqrt(std**2 + eps)
    return gamma * x_hat + beta, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}
