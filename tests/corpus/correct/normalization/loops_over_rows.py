"""Correct layer and group norm written with loops: over the rows for layer norm, over (image, group) for group norm.

Each normalized set of values is a plain 1-D vector; its statistics and gradients are computed
with sums written out, and gamma and beta are applied channel by channel.
"""

import math

import numpy as np


def _normalize(v, eps):
    """One set of values: x_hat and 1 / sqrt(var + eps)."""
    m = v.size
    mean = sum(v) / m
    var = sum((value - mean) ** 2 for value in v) / m
    inv = 1.0 / math.sqrt(var + eps)
    return (v - mean) * inv, inv


def _normalize_back(g, x_hat, inv):
    """Gradient through x_hat = (v - mean) * inv for one set: g is the gradient on x_hat."""
    m = g.size
    mean_g = sum(g) / m
    mean_gx = sum(a * b for a, b in zip(g, x_hat)) / m
    return (g - mean_g - x_hat * mean_gx) * inv


def _check_param(where, name, p, size, what):
    if np.ndim(p) != 1 or len(p) != size:
        raise ValueError(f"{where}: {name} must have shape ({size},), one per {what}, got {np.shape(p)}")


def layernorm_forward(x, gamma, beta, eps=1e-5):
    if np.ndim(x) != 2:
        raise ValueError(f"layernorm_forward: x must be (N, D), got {np.shape(x)}")
    N, D = x.shape
    _check_param("layernorm_forward", "gamma", gamma, D, "feature")
    _check_param("layernorm_forward", "beta", beta, D, "feature")
    x_hat = np.empty((N, D))
    inv = np.empty(N)
    out = np.empty((N, D))
    for n in range(N):
        x_hat[n], inv[n] = _normalize(x[n], eps)
        for d in range(D):
            out[n, d] = gamma[d] * x_hat[n, d] + beta[d]
    return out, (x_hat, inv, gamma)


def layernorm_backward(dout, cache):
    x_hat, inv, gamma = cache
    N, D = x_hat.shape
    dx = np.empty((N, D))
    dgamma = np.zeros(D)
    dbeta = np.zeros(D)
    for n in range(N):
        for d in range(D):
            dgamma[d] += dout[n, d] * x_hat[n, d]
            dbeta[d] += dout[n, d]
        dx[n] = _normalize_back(dout[n] * gamma, x_hat[n], inv[n])
    return dx, dgamma, dbeta


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    if np.ndim(x) != 4:
        raise ValueError(f"groupnorm_forward: x must be (N, C, H, W), got {np.shape(x)}")
    N, C, H, W = x.shape
    _check_param("groupnorm_forward", "gamma", gamma, C, "channel")
    _check_param("groupnorm_forward", "beta", beta, C, "channel")
    if not isinstance(groups, (int, np.integer)) or groups < 1 or C % groups != 0:
        raise ValueError(f"groupnorm_forward: groups must be a positive integer dividing C = {C}, got {groups}")
    per = C // groups
    x_hat = np.empty((N, C, H, W))
    inv = np.empty((N, groups))
    for n in range(N):
        for g in range(groups):
            channels = slice(g * per, (g + 1) * per)
            flat, inv[n, g] = _normalize(x[n, channels].ravel(), eps)
            x_hat[n, channels] = flat.reshape(per, H, W)
    out = np.empty((N, C, H, W))
    for c in range(C):
        out[:, c] = gamma[c] * x_hat[:, c] + beta[c]
    return out, (x_hat, inv, gamma, groups)


def groupnorm_backward(dout, cache):
    x_hat, inv, gamma, groups = cache
    N, C, H, W = x_hat.shape
    per = C // groups
    dgamma = np.zeros(C)
    dbeta = np.zeros(C)
    for c in range(C):
        dgamma[c] = np.sum(dout[:, c] * x_hat[:, c])
        dbeta[c] = np.sum(dout[:, c])
    dx = np.empty((N, C, H, W))
    for n in range(N):
        for g in range(groups):
            channels = slice(g * per, (g + 1) * per)
            grad = dout[n, channels] * gamma[channels].reshape(per, 1, 1)
            flat = _normalize_back(grad.ravel(), x_hat[n, channels].ravel(), inv[n, g])
            dx[n, channels] = flat.reshape(per, H, W)
    return dx, dgamma, dbeta
