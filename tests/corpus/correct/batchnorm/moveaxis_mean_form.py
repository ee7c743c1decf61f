"""Batch normalization with the mean form of the backward and np.moveaxis for the spatial layer."""

import numpy as np


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward expects x of shape (N, D), got {x.shape}")
    D = x.shape[1]
    if gamma.shape != (D,) or beta.shape != (D,) or running_mean.shape != (D,) or running_var.shape != (D,):
        raise ValueError("gamma, beta, running_mean and running_var must all have shape (D,)")
    if train:
        if x.shape[0] == 1:
            raise ValueError("N must be at least 2 in training")
        mean = np.mean(x, axis=0)
        var = np.var(x, axis=0)
        unbiased = np.var(x, axis=0, ddof=1)
        running_mean = momentum * mean + (1 - momentum) * running_mean
        running_var = momentum * unbiased + (1 - momentum) * running_var
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = running_mean + 0.0, running_var + 0.0
    inv = (var + eps) ** -0.5
    xhat = (x - mean) * inv
    return gamma * xhat + beta, running_mean, running_var, {"xhat": xhat, "dxhat_scale": gamma, "inv": inv}


def batchnorm_backward(dout, cache):
    xhat, gamma, inv = cache["xhat"], cache["dxhat_scale"], cache["inv"]
    dxhat = dout * gamma
    dx = inv * (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0))
    return dx, np.einsum("nd,nd->d", dout, xhat), dout.sum(axis=0)


def spatial_batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if x.ndim != 4:
        raise ValueError(f"spatial_batchnorm_forward expects x of shape (N, C, H, W), got {x.shape}")
    N, C, H, W = x.shape
    if train and N * H * W == 1:
        raise ValueError("need more than one value per channel in training")
    rows = np.moveaxis(x, 1, -1).reshape(-1, C)
    out, rm, rv, cache = batchnorm_forward(rows, gamma, beta, running_mean, running_var, train, momentum, eps)
    return np.moveaxis(out.reshape(N, H, W, C), -1, 1), rm, rv, (cache, x.shape)


def spatial_batchnorm_backward(dout, cache):
    inner, shape = cache
    N, C, H, W = shape
    dx, dgamma, dbeta = batchnorm_backward(np.moveaxis(dout, 1, -1).reshape(-1, C), inner)
    return np.moveaxis(dx.reshape(N, H, W, C), -1, 1), dgamma, dbeta
