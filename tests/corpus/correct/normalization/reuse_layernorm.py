"""Correct layer and group norm where group norm reuses layer norm.

Layer norm is written on the transposed matrix (features as rows, examples as columns, the batch
norm formula on x.T). Group norm views x as N * G rows of (C // G) * H * W values, normalizes
them with layernorm_forward (gamma = 1, beta = 0), and applies its own per-channel gamma and beta;
its backward composes the two in reverse.
"""

import numpy as np


def layernorm_forward(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"layernorm_forward: expected x of shape (N, D), got {x.shape}")
    D = x.shape[1]
    if np.shape(gamma) != (D,) or np.shape(beta) != (D,):
        raise ValueError(f"layernorm_forward: gamma and beta must be ({D},), got {np.shape(gamma)} and {np.shape(beta)}")
    xt = x.T
    mean = xt.mean(axis=0)
    inv_std = 1.0 / np.sqrt(((xt - mean) ** 2).mean(axis=0) + eps)
    xhat_t = (xt - mean) * inv_std
    out = (xhat_t * gamma[:, None] + beta[:, None]).T
    return out, (xhat_t, inv_std, gamma)


def layernorm_backward(dout, cache):
    xhat_t, inv_std, gamma = cache
    dout_t = dout.T
    D = dout_t.shape[0]
    dgamma = (dout_t * xhat_t).sum(axis=1)
    dbeta = dout_t.sum(axis=1)
    g = dout_t * gamma[:, None]
    dx_t = inv_std / D * (D * g - g.sum(axis=0) - xhat_t * (g * xhat_t).sum(axis=0))
    return dx_t.T, dgamma, dbeta


def groupnorm_forward(x, gamma, beta, groups, eps=1e-5):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError(f"groupnorm_forward: expected x of shape (N, C, H, W), got {x.shape}")
    N, C, H, W = x.shape
    if np.shape(gamma) != (C,) or np.shape(beta) != (C,):
        raise ValueError(f"groupnorm_forward: gamma and beta must be ({C},), got {np.shape(gamma)} and {np.shape(beta)}")
    if int(groups) != groups or groups < 1 or C % groups:
        raise ValueError(f"groupnorm_forward: groups = {groups} must be a positive divisor of C = {C}")
    rows = x.reshape(N * groups, -1)
    M = rows.shape[1]
    xhat_rows, ln_cache = layernorm_forward(rows, np.ones(M), np.zeros(M), eps)
    xhat = xhat_rows.reshape(N, C, H, W)
    out = xhat * gamma.reshape(1, C, 1, 1) + beta.reshape(1, C, 1, 1)
    return out, (xhat, gamma, ln_cache)


def groupnorm_backward(dout, cache):
    xhat, gamma, ln_cache = cache
    dgamma = np.einsum("nchw,nchw->c", dout, xhat)
    dbeta = np.einsum("nchw->c", dout)
    dxhat = dout * gamma.reshape(1, -1, 1, 1)
    rows = ln_cache[0].shape[1]
    dx_rows, _, _ = layernorm_backward(dxhat.reshape(rows, -1), ln_cache)
    return dx_rows.reshape(dout.shape), dgamma, dbeta
