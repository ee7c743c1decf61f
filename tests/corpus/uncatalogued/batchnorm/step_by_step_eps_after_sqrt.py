"""A step-by-step computational graph that takes sqrtvar = np.sqrt(var) + eps, adding eps after the square root.

Same mistake as: batchnorm.eps_outside_sqrt

The backward follows the same graph (d sqrtvar / d var = 0.5 / sqrt(var)), consistent with this forward.
"""


def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    x, gamma, beta, running_mean, running_var = (
        np.asarray(a, dtype=np.float64) for a in (x, gamma, beta, running_mean, running_var)
    )
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward: x must have shape (N, D), got shape {x.shape}")
    N, D = x.shape
    _check_stats_shapes(D, "feature (D)", gamma=gamma, beta=beta, running_mean=running_mean, running_var=running_var)
    if not train:
        x_hat = (x - running_mean) / (np.sqrt(running_var) + eps)
        return gamma * x_hat + beta, running_mean.copy(), running_var.copy(), None
    _check_enough_values(N, "N", "feature", x.shape)
    mu = x.sum(axis=0) / N
    xmu = x - mu
    var = (xmu**2).sum(axis=0) / N
    sqrtvar = np.sqrt(var) + eps
    ivar = 1.0 / sqrtvar
    x_hat = xmu * ivar
    out = gamma * x_hat + beta
    new_mean = (1 - momentum) * running_mean + momentum * mu
    new_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)
    return out, new_mean, new_var, (x_hat, gamma, xmu, ivar, sqrtvar, var)


def batchnorm_backward(dout, cache):
    x_hat, gamma, xmu, ivar, sqrtvar, var = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}")
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dxhat = dout * gamma
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar**2
    dvar = 0.5 / np.sqrt(var) * dsqrtvar
    dxmu2 = 2 * xmu * dvar / N
    dmu = -(dxmu1 + dxmu2).sum(axis=0)
    dx = dxmu1 + dxmu2 + dmu / N
    return dx, dgamma, dbeta
