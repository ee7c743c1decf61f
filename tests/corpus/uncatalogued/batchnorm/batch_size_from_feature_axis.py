"""The backward's compact formula takes n = dout.shape[1] (the number of features D) where it needs the batch size N.

Right only when N == D; dgamma and dbeta are right.
"""


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}")
    n = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    if cache["train"]:
        dx = (gamma * inv_std / n) * (n * dout - dbeta - x_hat * dgamma)
    else:
        dx = dout * (gamma * inv_std)
    return dx, dgamma, dbeta
