"""Spatial batch norm reshapes x straight to (N*H*W, C) without moving the channels last, mixing channels and positions.

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
    x_rows = x.reshape(n * h * w, c)
    out_rows, running_mean, running_var, cache = batchnorm_forward(
        x_rows, gamma, beta, running_mean, running_var, train, momentum, eps
    )
    out = out_rows.reshape(n, c, h, w)
    return np.ascontiguousarray(out), running_mean, running_var, (x.shape, cache)


def spatial_batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, cache_rows = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_shape:
        raise ValueError(
            f"spatial_batchnorm_backward: dout must have the shape of the forward's x {x_shape}, got {dout.shape}"
        )
    n, c, h, w = x_shape
    dout_rows = dout.reshape(n * h * w, c)
    dx_rows, dgamma, dbeta = batchnorm_backward(dout_rows, cache_rows)
    dx = dx_rows.reshape(n, c, h, w)
    return np.ascontiguousarray(dx), dgamma, dbeta
