"""Batch normalization with the compact backward formula; spatial written directly with sums over axes (0, 2, 3)."""

import numpy as np


def _validate(x, gamma, beta, running_mean, running_var, ndim, train):
    if np.ndim(x) != ndim:
        raise ValueError(f"expected a {ndim}-D x, got {np.ndim(x)}-D")
    features = x.shape[1]
    for name, a in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)):
        if np.shape(a) != (features,):
            raise ValueError(f"{name} has shape {np.shape(a)}, expected ({features},)")
    if train and x.size // features <= 1:
        raise ValueError("batch statistics need more than one value per feature in training")


def _normalize(x, gamma, beta, running_mean, running_var, train, momentum, eps, axes):
    """Shared by both layers: statistics over ``axes``, parameters broadcast along axis 1."""
    shape = [1] * x.ndim
    shape[1] = x.shape[1]
    count = x.size // x.shape[1]
    if train:
        mean = x.mean(axis=axes)
        var = ((x - mean.reshape(shape)) ** 2).mean(axis=axes)
        new_mean = (1.0 - momentum) * running_mean + momentum * mean
        new_var = (1.0 - momentum) * running_var + momentum * var * count / (count - 1.0)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.array(running_mean, dtype=float), np.array(running_var, dtype=float)
    std = np.sqrt(var + eps)
    xhat = (x - mean.reshape(shape)) / std.reshape(shape)
    out = gamma.reshape(shape) * xhat + beta.reshape(shape)
    cache = dict(xhat=xhat, gamma=gamma.reshape(shape), std=std.reshape(shape), axes=axes, count=count)
    return out, new_mean, new_var, cache


def _backward(dout, cache):
    xhat, gamma, std, axes, m = cache["xhat"], cache["gamma"], cache["std"], cache["axes"], cache["count"]
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * xhat).sum(axis=axes)
    shape = gamma.shape
    dx = gamma / (m * std) * (m * dout - dbeta.reshape(shape) - xhat * dgamma.reshape(shape))
    return dx, dgamma, dbeta


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    _validate(x, gamma, beta, running_mean, running_var, 2, train)
    return _normalize(x, gamma, beta, running_mean, running_var, train, momentum, eps, (0,))


def batchnorm_backward(dout, cache):
    return _backward(dout, cache)


def spatial_batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    _validate(x, gamma, beta, running_mean, running_var, 4, train)
    return _normalize(x, gamma, beta, running_mean, running_var, train, momentum, eps, (0, 2, 3))


def spatial_batchnorm_backward(dout, cache):
    return _backward(dout, cache)
