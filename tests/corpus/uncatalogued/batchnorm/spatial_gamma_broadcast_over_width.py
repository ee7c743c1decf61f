"""The spatial forward normalizes per channel correctly but scales and shifts with gamma * x_hat + beta on (N, C, H, W), broadcasting gamma over the width.

numpy aligns gamma (C,) with the last axis W: an error when W != C, a wrong scale when W == C.
"""


def spatial_batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    x, gamma, beta, running_mean, running_var = (
        np.asarray(a, dtype=np.float64) for a in (x, gamma, beta, running_mean, running_var)
    )
    if x.ndim != 4:
        raise ValueError(f"spatial_batchnorm_forward: x must have shape (N, C, H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    _check_stats_shapes(c, "channel (C)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if train:
        _check_enough_values(n * h * w, "N * H * W", "channel", x.shape)
        mu, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
        m = n * h * w
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * (m / (m - 1))
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu[None, :, None, None]) * inv_std[None, :, None, None]
    out = gamma * x_hat + beta
    cache = (x.shape, {"x_hat": x_hat.transpose(0, 2, 3, 1).reshape(-1, c), "gamma": gamma, "inv_std": inv_std,
                       "train": bool(train)})
    return out, running_mean, running_var, cache
