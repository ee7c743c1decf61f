"""Takes the mean and variance of each example over its features (axis 1, keepdims) instead of each feature over the batch (axis 0).

That is layer normalization: every row of x_hat has mean 0 and variance 1, not every column; the
running statistics, updated with these per-example values, broadcast to shape (N, D).
"""


def batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    train: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    x, gamma, beta, running_mean, running_var = (
        np.asarray(a, dtype=np.float64) for a in (x, gamma, beta, running_mean, running_var)
    )
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward: x must have shape (N, D), got shape {x.shape}")
    n, d = x.shape
    _check_stats_shapes(d, "feature (D)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if train:
        _check_enough_values(n, "N", "feature", x.shape)
        mu, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * (n / (n - 1))
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = {"x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
    return out, running_mean, running_var, cache
