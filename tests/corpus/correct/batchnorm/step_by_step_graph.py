"""Batch normalization with the CS231n step-by-step computational-graph backward; spatial via transpose."""

import numpy as np


def _check(x, ndim, params, what):
    if x.ndim != ndim:
        raise ValueError(f"x must be {ndim}-D, got shape {x.shape}")
    size = x.shape[1]
    for name, value in params.items():
        if np.shape(value) != (size,):
            raise ValueError(f"{name} must have shape ({size},) (one per {what}), got {np.shape(value)}")


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    _check(x, 2, dict(gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var), "feature")
    N, D = x.shape
    if train:
        if N < 2:
            raise ValueError("training batch norm needs at least 2 examples")
        # step 1: mean
        mu = 1.0 / N * np.sum(x, axis=0)
        # step 2: subtract the mean
        xmu = x - mu
        # step 3: squares
        sq = xmu ** 2
        # step 4: biased variance
        var = 1.0 / N * np.sum(sq, axis=0)
        # step 5: standard deviation
        sqrtvar = np.sqrt(var + eps)
        # step 6: invert
        ivar = 1.0 / sqrtvar
        # step 7: normalize
        xhat = xmu * ivar
        # step 8: scale
        gammax = gamma * xhat
        # step 9: shift
        out = gammax + beta
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)
        cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps)
        return out, new_mean, new_var, cache
    xhat = (x - running_mean) / np.sqrt(running_var + eps)
    out = gamma * xhat + beta
    return out, running_mean.copy(), running_var.copy(), None


def batchnorm_backward(dout, cache):
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    N, D = dout.shape
    # step 9
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    # step 8
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    # step 7
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    # step 6
    dsqrtvar = -1.0 / (sqrtvar ** 2) * divar
    # step 5
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    # step 4
    dsq = 1.0 / N * np.ones((N, D)) * dvar
    # step 3
    dxmu2 = 2 * xmu * dsq
    # step 2
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    # step 1
    dx2 = 1.0 / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta


def spatial_batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    _check(x, 4, dict(gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var), "channel")
    N, C, H, W = x.shape
    if train and N * H * W < 2:
        raise ValueError("training spatial batch norm needs more than one value per channel")
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out_flat, rm, rv, cache = batchnorm_forward(x_flat, gamma, beta, running_mean, running_var, train, momentum, eps)
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2).copy()
    return out, rm, rv, (cache, x.shape)


def spatial_batchnorm_backward(dout, cache):
    inner, (N, C, H, W) = cache
    dout_flat = dout.transpose(0, 2, 3, 1).reshape(-1, C)
    dx_flat, dgamma, dbeta = batchnorm_backward(dout_flat, inner)
    dx = dx_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2).copy()
    return dx, dgamma, dbeta
