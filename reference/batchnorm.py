"""Batch normalization for fully connected layers ``(N, D)`` and for images ``(N, C, H, W)``.

PyTorch's semantics (``torch.nn.functional.batch_norm``):

- training normalizes every feature with the batch mean ``mu`` and the *biased* batch variance
  ``var`` (divide by N), then updates the running statistics with the *unbiased* variance
  (divide by N - 1)::

      running_mean = (1 - momentum) * running_mean + momentum * mu
      running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)

- evaluation normalizes with the running statistics and returns them unchanged.

The arrays passed in are never modified: the new running statistics are new arrays.
"""

from __future__ import annotations

import numpy as np


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
    """Forward pass of batch normalization over the batch axis of ``x`` (N, D).

    Every feature d is normalized, then scaled and shifted::

        x_hat = (x - mu) / sqrt(var + eps)
        out   = gamma * x_hat + beta

    In training, ``mu`` and ``var`` are the mean and the biased variance (divide by N) of the
    batch, feature by feature, and the running statistics move towards the batch statistics
    (the variance term there is the unbiased one, divide by N - 1, as in PyTorch). In
    evaluation, ``mu`` and ``var`` are ``running_mean`` and ``running_var``.

    Parameters
    ----------
    x : ndarray, shape (N, D)
        A batch of N feature vectors.
    gamma, beta : ndarray, shape (D,)
        Learned scale and shift.
    running_mean, running_var : ndarray, shape (D,)
        Running estimates of the mean and (unbiased) variance; never modified in place.
    train : bool
        Training (batch statistics) or evaluation (running statistics) mode.
    momentum : float
        Weight of the batch statistics in the running-statistics update.
    eps : float
        Added to the variance for numerical stability.

    Returns
    -------
    out : ndarray, shape (N, D)
    running_mean, running_var : ndarray, shape (D,)
        The updated running statistics in training, new copies of the given ones in evaluation.
    cache : dict
        What ``batchnorm_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 2-D, a parameter does not have shape (D,), or training with N == 1.
    """
    # BEGIN SOLUTION: normalize with batch (training) or running (evaluation) statistics, then scale and shift
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
    cache = {"x_hat": x_hat, "gamma": gamma, "inv_std": inv_std, "train": bool(train)}
    return out, running_mean, running_var, cache
    # END SOLUTION


def batchnorm_backward(dout: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of batch normalization for a cache from ``batchnorm_forward``.

    With ``out = gamma * x_hat + beta``::

        dbeta  = sum over the batch of dout
        dgamma = sum over the batch of dout * x_hat

    In training, ``mu`` and ``var`` depend on every row of x, so the gradient through
    ``x_hat = (x - mu) / sqrt(var + eps)`` has three paths (direct, through mu, through var).
    They simplify to a compact formula in ``dout``, ``x_hat``, ``dgamma``, ``dbeta`` and N; derive it.
    For an evaluation-mode cache the statistics are constants and
    ``dx = dout * gamma / sqrt(running_var + eps)``.

    Parameters
    ----------
    dout : ndarray, shape (N, D)
        Upstream gradient of the loss with respect to ``out``.
    cache : dict
        The cache returned by ``batchnorm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dgamma, dbeta : ndarray, shape (D,)
    """
    # BEGIN SOLUTION: dgamma and dbeta are sums over the batch; dx follows the three paths through mu and var
    x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(
            f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}"
        )
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    if cache["train"]:
        dx = (gamma * inv_std / n) * (n * dout - dbeta - x_hat * dgamma)
    else:
        dx = dout * (gamma * inv_std)
    return dx, dgamma, dbeta
    # END SOLUTION


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
    """Forward pass of spatial batch normalization for images ``x`` (N, C, H, W).

    Each channel c is normalized with statistics over all its N * H * W values, exactly as
    ``batchnorm_forward`` does for one feature: view the image batch as a matrix of
    N * H * W rows and C columns (channel last), apply the 2-D version, and view the result
    back as (N, C, H, W). Same modes, running-statistics update and PyTorch semantics; training
    raises when a channel has a single value (N * H * W == 1).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    gamma, beta, running_mean, running_var : ndarray, shape (C,)
    train, momentum, eps
        As in ``batchnorm_forward``.

    Returns
    -------
    out : ndarray, shape (N, C, H, W)
    running_mean, running_var : ndarray, shape (C,)
    cache : tuple
        What ``spatial_batchnorm_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 4-D, a parameter does not have shape (C,), or training with N * H * W == 1.
    """
    # BEGIN SOLUTION: move channels last, flatten to (N*H*W, C), reuse batchnorm_forward, reshape back
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"spatial_batchnorm_forward: x must have shape (N, C, H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    _check_stats_shapes(c, "channel (C)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if train:
        _check_enough_values(n * h * w, "N * H * W", "channel", x.shape)
    x_rows = x.transpose(0, 2, 3, 1).reshape(n * h * w, c)
    out_rows, running_mean, running_var, cache = batchnorm_forward(
        x_rows, gamma, beta, running_mean, running_var, train, momentum, eps
    )
    out = out_rows.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(out), running_mean, running_var, (x.shape, cache)
    # END SOLUTION


def spatial_batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of spatial batch normalization.

    Undo the forward's reshaping on ``dout`` (channels last, N * H * W rows), reuse
    ``batchnorm_backward``, and bring ``dx`` back to (N, C, H, W).

    Parameters
    ----------
    dout : ndarray, shape (N, C, H, W)
    cache : tuple
        The cache returned by ``spatial_batchnorm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dgamma, dbeta : ndarray, shape (C,)
    """
    # BEGIN SOLUTION: the same reshaping as the forward, around batchnorm_backward
    x_shape, cache_rows = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_shape:
        raise ValueError(
            f"spatial_batchnorm_backward: dout must have the shape of the forward's x {x_shape}, got {dout.shape}"
        )
    n, c, h, w = x_shape
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(n * h * w, c)
    dx_rows, dgamma, dbeta = batchnorm_backward(dout_rows, cache_rows)
    dx = dx_rows.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(dx), dgamma, dbeta
    # END SOLUTION


# BEGIN SOLUTION
def _check_stats_shapes(num_features: int, axis: str, **arrays: np.ndarray) -> None:
    """Raise ``ValueError`` unless every array has shape ``(num_features,)``."""
    for name, array in arrays.items():
        shape = np.shape(array)
        if shape != (num_features,):
            raise ValueError(
                f"{name} must have shape ({num_features},), one entry per {axis} of x, got shape {shape}"
            )


def _check_enough_values(count: int, count_name: str, unit: str, x_shape: tuple) -> None:
    """Raise ``ValueError`` when a training batch has fewer than two values per feature or channel."""
    if count < 2:
        raise ValueError(
            f"training batch norm needs more than 1 value per {unit} to compute batch statistics (as PyTorch); "
            f"got {count_name} = {count} for x of shape {x_shape} (evaluation mode, train=False, works for one example)"
        )


# END SOLUTION
