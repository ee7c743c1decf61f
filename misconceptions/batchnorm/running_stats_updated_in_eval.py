"""Updates the running statistics with the batch's statistics in evaluation too (the update sits outside the if train).

The evaluation output is right (it normalizes with the running statistics it was given), but the
running statistics it returns have moved towards the evaluation batch.
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
    batch_mean, batch_var = x.mean(axis=0), x.var(axis=0)
    if train:
        _check_enough_values(n, "N", "feature", x.shape)
        mu, var = batch_mean, batch_var
    else:
        mu, var = running_mean, running_var
    running_mean = (1 - momentum) * running_mean + momentum * batch_mean
    running_var = (1 - momentum) * running_var + momentum * batch_var * (n / (n - 1))
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = {"x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
    return out, running_mean, running_var, cache
