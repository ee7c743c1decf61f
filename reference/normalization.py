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
    # BEGIN SOLUTION: mean and biased variance of every row, normalize, then scale and shift per feature
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "layernorm_forward", "(N, D)")
    _check_params(x.shape[1], "feature (D)", "layernorm_forward", gamma=gamma, beta=beta)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    out = gamma * x_hat + beta
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma}
    # END SOLUTION


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
    # BEGIN SOLUTION: dgamma and dbeta sum over the batch; dx follows the three paths within each row
    x_hat, inv_std, gamma = cache["x_hat"], cache["inv_std"], cache["gamma"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "layernorm_backward")
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) * inv_std
    return dx, dgamma, dbeta
    # END SOLUTION


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
    # BEGIN SOLUTION: check groups; view x as (N, G, M), normalize every (image, group), then scale and shift per channel
    x, gamma, beta = _as_float64(x, gamma, beta)
    _check_x(x, "groupnorm_forward", "(N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, "channel (C)", "groupnorm_forward", gamma=gamma, beta=beta)
    _check_groups(groups, C)
    x_g = x.reshape(N, groups, -1)
    mean = x_g.mean(axis=2, keepdims=True)
    var = x_g.var(axis=2, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = ((x_g - mean) * inv_std).reshape(N, C, H, W)
    out = gamma.reshape(1, C, 1, 1) * x_hat + beta.reshape(1, C, 1, 1)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "groups": groups}
    # END SOLUTION


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
    # BEGIN SOLUTION: dgamma and dbeta sum over (N, H, W); dx follows the three paths within each (image, group)
    x_hat, inv_std, gamma, groups = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["groups"]
    (dout,) = _as_float64(dout)
    _check_dout(dout, x_hat.shape, "groupnorm_backward")
    N, C, H, W = x_hat.shape
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    g = (dout * gamma.reshape(1, C, 1, 1)).reshape(N, groups, -1)
    x_hat_g = x_hat.reshape(N, groups, -1)
    dx = (g - g.mean(axis=2, keepdims=True) - x_hat_g * (g * x_hat_g).mean(axis=2, keepdims=True)) * inv_std
    return dx.reshape(N, C, H, W), dgamma, dbeta
    # END SOLUTION


# BEGIN SOLUTION


def _as_float64(*arrays: object) -> tuple[np.ndarray, ...]:
    """The arguments as float64 ndarrays (no copy when they already are)."""
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def _check_x(x: np.ndarray, function: str, layout: str) -> None:
    """Raise ``ValueError`` unless x has as many axes as ``layout``."""
    ndim = layout.count(",") + 1
    if x.ndim != ndim:
        raise ValueError(f"{function}: x must be {ndim}-D with shape {layout}, got shape {x.shape}")


def _check_params(count: int, axis: str, function: str, **arrays: np.ndarray) -> None:
    """Raise ``ValueError`` unless every array has shape ``(count,)``."""
    for name, array in arrays.items():
        if array.shape != (count,):
            raise ValueError(
                f"{function}: {name} must have shape ({count},), one entry per {axis} of x, got shape {array.shape}"
            )


def _check_groups(groups: object, channels: int) -> None:
    """Raise ``ValueError`` unless ``groups`` is an integer >= 1 that divides the number of channels."""
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise ValueError(f"groupnorm_forward: groups must be an integer, got {groups!r}")
    if groups < 1:
        raise ValueError(f"groupnorm_forward: groups must be at least 1, got groups = {groups}")
    if channels % groups:
        raise ValueError(
            f"groupnorm_forward: the C = {channels} channels of x must split into groups of equal size, "
            f"but {channels} is not divisible by groups = {groups}"
        )


def _check_dout(dout: np.ndarray, shape: tuple, function: str) -> None:
    """Raise ``ValueError`` unless ``dout`` has the shape of the forward's x."""
    if dout.shape != shape:
        raise ValueError(f"{function}: dout must have the shape of the forward's x {shape}, got shape {dout.shape}")


# END SOLUTION
