"""Spatial batch norm takes its statistics over H and W only (per image and channel), not over N, H and W.

Batch normalization for fully connected layers ``(N, D)`` and for images ``(N, C, H, W)``.

PyTorch's semantics (``torch.nn.functional.batch_norm``):

- training normalizes every feature with the batch mean ``mu`` and the *biased* batch variance
  ``var`` (divide by N), then updates the running statistics with the *unbiased* variance
  (divide by N - 1)::

      running_mean = (1 - momentum) * running_mean + momentum * mu
      running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)

- evaluation normalizes with the running statistics and returns them unchanged.

The arrays passed in are never modified: the new running statistics are new arrays.
"""


def spatial_batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    train: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"spatial_batchnorm_forward: x must have shape (N, C, H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    _check_stats_shapes(c, "channel (C)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if train:
        _check_enough_values(n * h * w, "N * H * W", "channel", x.shape)
    gamma_b, beta_b = np.reshape(gamma, (1, c, 1, 1)), np.reshape(beta, (1, c, 1, 1))
    if train:
        axes = (2, 3)
        count = h * w
        mu = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        running_mean = (1 - momentum) * np.asarray(running_mean) + momentum * mu.mean(axis=0).ravel()
        running_var = (1 - momentum) * np.asarray(running_var) + momentum * (var * count / max(count - 1, 1)).mean(axis=0).ravel()
    else:
        axes, count = (0, 2, 3), n * h * w
        mu = np.reshape(running_mean, (1, c, 1, 1))
        var = np.reshape(running_var, (1, c, 1, 1))
        running_mean, running_var = np.array(running_mean, dtype=np.float64), np.array(running_var, dtype=np.float64)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma_b * x_hat + beta_b
    cache = {"x_hat": x_hat, "gamma": gamma_b, "inv_std": inv_std, "axes": axes, "count": count, "train": bool(train)}
    return out, running_mean, running_var, (x.shape, cache)


def spatial_batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, cache_rows = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_shape:
        raise ValueError(
            f"spatial_batchnorm_backward: dout must have the shape of the forward's x {x_shape}, got {dout.shape}"
        )
    x_hat, gamma, inv_std = cache_rows["x_hat"], cache_rows["gamma"], cache_rows["inv_std"]
    axes, count = cache_rows["axes"], cache_rows["count"]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    dxhat = dout * gamma
    if cache_rows["train"]:
        dx = inv_std / count * (count * dxhat - dxhat.sum(axis=axes, keepdims=True)
                                - x_hat * (dxhat * x_hat).sum(axis=axes, keepdims=True))
    else:
        dx = dxhat * inv_std
    return dx, dgamma, dbeta
