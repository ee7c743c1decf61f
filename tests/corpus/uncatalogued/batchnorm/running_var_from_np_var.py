"""batchnorm_forward updates the running variance with np.var(x, axis=0), the biased variance (ddof=0).

Same mistake as: batchnorm.biased_running_variance
Written in one line per statistic, as a student who does not know that np.var divides by N.
"""


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    x, gamma, beta, running_mean, running_var = (
        np.asarray(a, dtype=np.float64) for a in (x, gamma, beta, running_mean, running_var)
    )
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward: x must have shape (N, D), got shape {x.shape}")
    n, d = x.shape
    _check_stats_shapes(d, "feature (D)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if train:
        _check_enough_values(n, "N", "feature", x.shape)
        mu, var = np.mean(x, axis=0), np.var(x, axis=0)
        running_mean = momentum * mu + (1 - momentum) * running_mean
        running_var = momentum * np.var(x, axis=0) + (1 - momentum) * running_var
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = {"x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
    return out, running_mean, running_var, cache
