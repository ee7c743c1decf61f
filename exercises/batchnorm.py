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
    raise NotImplementedError('batchnorm_forward: normalize with batch (training) or running (evaluation) statistics, then scale and shift')


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
    raise NotImplementedError('batchnorm_backward: dgamma and dbeta are sums over the batch; dx follows the three paths through mu and var')


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
    raise NotImplementedError('spatial_batchnorm_forward: move channels last, flatten to (N*H*W, C), reuse batchnorm_forward, reshape back')


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
    raise NotImplementedError('spatial_batchnorm_backward: the same reshaping as the forward, around batchnorm_backward')
