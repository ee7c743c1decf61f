"""dgamma multiplies dout by the input x instead of the normalized x_hat (the forward caches x and the backward uses it).

out = gamma * x_hat + beta, so dgamma = sum over the batch of dout * x_hat; dx and dbeta are right.
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
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * (n / (n - 1))
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = {"x": x, "x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
    return out, running_mean, running_var, cache


def batchnorm_backward(dout: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, x_hat, gamma, inv_std = cache["x"], cache["x_hat"], cache["gamma"], cache["inv_std"]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(
            f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}"
        )
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    if cache["train"]:
        dx = (gamma * inv_std / n) * (n * dout - dbeta - x_hat * (dout * x_hat).sum(axis=0))
    else:
        dx = dout * (gamma * inv_std)
    dgamma = (dout * x).sum(axis=0)
    return dx, dgamma, dbeta
