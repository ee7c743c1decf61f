"""Batch normalization with explicit Python loops over every feature and example, returning lists."""

import math

import numpy as np


def _feature_stats(values):
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / n
    return mean, var


def _check_params(size, gamma, beta, running_mean, running_var):
    for name, p in [("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)]:
        if np.shape(p) != (size,):
            raise ValueError(f"{name} must hold {size} values, one per feature/channel")


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if x.ndim != 2:
        raise ValueError("x must be (N, D)")
    N, D = x.shape
    _check_params(D, gamma, beta, running_mean, running_var)
    if train and N == 1:
        raise ValueError("cannot train batch norm on a batch of one example")
    out = np.zeros((N, D))
    xhat = np.zeros((N, D))
    new_mean = np.zeros(D)
    new_var = np.zeros(D)
    inv_std = np.zeros(D)
    for d in range(D):
        column = [x[i, d] for i in range(N)]
        if train:
            mean, var = _feature_stats(column)
            new_mean[d] = (1 - momentum) * running_mean[d] + momentum * mean
            new_var[d] = (1 - momentum) * running_var[d] + momentum * var * N / (N - 1)
        else:
            mean, var = running_mean[d], running_var[d]
            new_mean[d], new_var[d] = running_mean[d], running_var[d]
        inv_std[d] = 1.0 / math.sqrt(var + eps)
        for i in range(N):
            xhat[i, d] = (x[i, d] - mean) * inv_std[d]
            out[i, d] = gamma[d] * xhat[i, d] + beta[d]
    return [out, new_mean, new_var, [xhat, gamma, inv_std]]


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache
    N, D = dout.shape
    dx = np.zeros((N, D))
    dgamma = np.zeros(D)
    dbeta = np.zeros(D)
    for d in range(D):
        for i in range(N):
            dbeta[d] += dout[i, d]
            dgamma[d] += dout[i, d] * xhat[i, d]
        for i in range(N):
            dxhat_i = dout[i, d] * gamma[d]
            total = 0.0
            for j in range(N):
                dxhat_j = dout[j, d] * gamma[d]
                # d xhat_j / d x_i = inv_std * (delta_ij - 1/N - xhat_i * xhat_j / N)
                delta = 1.0 if i == j else 0.0
                total += dxhat_j * inv_std[d] * (delta - 1.0 / N - xhat[i, d] * xhat[j, d] / N)
            dx[i, d] = total
    return [dx, dgamma, dbeta]


def spatial_batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if x.ndim != 4:
        raise ValueError("x must be (N, C, H, W)")
    N, C, H, W = x.shape
    _check_params(C, gamma, beta, running_mean, running_var)
    if train and N * H * W == 1:
        raise ValueError("cannot train batch norm with one value per channel")
    rows = np.zeros((N * H * W, C))
    for n in range(N):
        for c in range(C):
            for h in range(H):
                for w in range(W):
                    rows[(n * H + h) * W + w, c] = x[n, c, h, w]
    out_rows, new_mean, new_var, cache = batchnorm_forward(rows, gamma, beta, running_mean, running_var,
                                                           train, momentum, eps)
    out = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for h in range(H):
                for w in range(W):
                    out[n, c, h, w] = out_rows[(n * H + h) * W + w, c]
    return [out, new_mean, new_var, [cache, (N, C, H, W)]]


def spatial_batchnorm_backward(dout, cache):
    inner, (N, C, H, W) = cache
    rows = np.zeros((N * H * W, C))
    for n in range(N):
        for c in range(C):
            for h in range(H):
                for w in range(W):
                    rows[(n * H + h) * W + w, c] = dout[n, c, h, w]
    dx_rows, dgamma, dbeta = batchnorm_backward(rows, inner)
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for h in range(H):
                for w in range(W):
                    dx[n, c, h, w] = dx_rows[(n * H + h) * W + w, c]
    return [dx, dgamma, dbeta]
