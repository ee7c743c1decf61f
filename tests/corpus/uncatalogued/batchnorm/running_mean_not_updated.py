"""Training updates running_var but returns running_mean unchanged (the update line was forgotten).

The output is right; only the running mean stays where it was.
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
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean = running_mean.copy()
        running_var = (1 - momentum) * running_var + momentum * var * (n / (n - 1))
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    return out, running_mean, running_var, {"x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
