"""Layer normalization and group normalization, as ``torch.nn.functional.layer_norm`` and ``group_norm``.

Both normalize *each example on its own*, so unlike batch normalization they need no batch
statistics: training and evaluation are the same computation, there are no running statistics,
and a batch of one works. Within each normalized set of values (a row of ``(N, D)`` features for
layer norm; one group of channels of one image for group norm)::

    x_hat = (x - mean) / sqrt(var + eps)       var biased: divide by the number of values
    out   = gamma * x_hat + beta               gamma and beta per feature (layer norm) or per channel (group norm)

Layer norm (Ba et al., 2016) normalizes each row over its D features. Group norm (Wu and He,
2018) splits the C channels of an image into ``groups`` *contiguous* groups of ``C // groups``
channels (channels ``0 .. C/G - 1`` form group 0, and so on) and normalizes every (image, group)
over its channels and positions: ``groups = 1`` normalizes each image over all of ``(C, H, W)``,
``groups = C`` is instance norm (each channel of each image alone).
"""

from __future__ import annotations

import numpy as np


def layernorm_forward(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, dict]:
    """Forward pass of layer normalization: each row of ``x`` normalized over its D features.

    For every example n::

        mean_n = mean of x[n, :]            var_n = mean of (x[n, :] - mean_n)**2   (biased)
        x_hat[n] = (x[n] - mean_n) / sqrt(var_n + eps)
        out[n]   = gamma * x_hat[n] + beta

    The statistics run along axis 1 (the features), not along the batch as in batch norm.

    Parameters
    ----------
    x : ndarray, shape (N, D)
        A batch of N feature vectors.
    gamma, beta : ndarray, shape (D,)
        Learned scale and shift, one per feature.
    eps : float
        Added to the variance, inside the square root.

    Returns
    -------
    out : ndarray, shape (N, D)
    cache : dict
        What ``layernorm_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 2-D, or gamma or beta does not have shape (D,).
    """
    raise NotImplementedError('layernorm_forward: mean and biased variance of every row, normalize, then scale and shift per feature')


def layernorm_backward(dout: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of layer normalization.

    gamma and beta are shared by every example, so their gradients sum over the batch::

        dbeta  = sum over n of dout[n]           dgamma = sum over n of dout[n] * x_hat[n]

    Each row's mean and variance depend on every feature of that row, so, with
    ``g = dout * gamma`` (the gradient on x_hat) and the means taken over the D features of a row,
    the three paths (direct, through the mean, through the variance) give::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

    the batch-norm formula with the roles of the axes swapped.

    Parameters
    ----------
    dout : ndarray, shape (N, D)
        Upstream gradient of the loss with respect to ``out``.
    cache : dict
        The cache returned by ``layernorm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dgamma, dbeta : ndarray, shape (D,)

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward's x.
    """
    raise NotImplementedError('layernorm_backward: dgamma and dbeta sum over the batch; dx follows the three paths within each row')


def groupnorm_forward(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, groups: int, eps: float = 1e-5
) -> tuple[np.ndarray, dict]:
    """Forward pass of group normalization over contiguous groups of channels.

    With ``G = groups`` and ``M = (C // G) * H * W`` values per group, view every image's channels
    as G contiguous blocks: ``x.reshape(N, G, M)`` (group g holds channels ``g*C/G .. (g+1)*C/G - 1``).
    Then every (image n, group g)::

        mean, var = mean and biased variance of x_g[n, g, :]             (M values)
        x_hat     = (x_g[n, g, :] - mean) / sqrt(var + eps)

    and, back in shape (N, C, H, W), scale and shift per channel::

        out = gamma[c] * x_hat[:, c] + beta[c]

    ``groups = 1`` normalizes each image over all of (C, H, W), as layer norm, though gamma and
    beta stay per channel; ``groups = C`` is instance norm. A group of a single value (1x1 images
    with ``groups = C``) normalizes to 0, so its output is beta (as ``torch.group_norm`` computes;
    ``F.group_norm`` refuses one such image with a check borrowed from batch norm).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    gamma, beta : ndarray, shape (C,)
        Learned scale and shift, one per channel.
    groups : int
        Number of groups G, 1 <= G, dividing C.
    eps : float
        Added to the variance, inside the square root.

    Returns
    -------
    out : ndarray, shape (N, C, H, W)
    cache : dict
        What ``groupnorm_backward`` needs.

    Raises
    ------
    ValueError
        If x is not 4-D, gamma or beta does not have shape (C,), groups is not an integer of at
        least 1, or C is not divisible by groups.
    """
    raise NotImplementedError('groupnorm_forward: check groups; view x as (N, G, M), normalize every (image, group), then scale and shift per channel')


def groupnorm_backward(dout: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of group normalization.

    gamma and beta are per channel, shared by every image and position::

        dbeta  = sum over n, h, w of dout            dgamma = sum over n, h, w of dout * x_hat

    With ``g = dout * gamma[c]`` (the gradient on x_hat), viewed as (N, G, M) like the forward,
    and the means taken over the M values of each (image, group), the three paths give::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

    brought back to (N, C, H, W).

    Parameters
    ----------
    dout : ndarray, shape (N, C, H, W)
        Upstream gradient of the loss with respect to ``out``.
    cache : dict
        The cache returned by ``groupnorm_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dgamma, dbeta : ndarray, shape (C,)

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward's x.
    """
    raise NotImplementedError('groupnorm_backward: dgamma and dbeta sum over (N, H, W); dx follows the three paths within each (image, group)')
