"""dbeta averages dout over the batch (dout.mean(axis=0)) instead of summing it.

The loss sums over the examples, and beta is added to every one of them. dx and dgamma are right.
"""


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}")
    n = dout.shape[0]
    dgamma = (dout * x_hat).sum(axis=0)
    if cache["train"]:
        dx = (gamma * inv_std / n) * (n * dout - dout.sum(axis=0) - x_hat * dgamma)
    else:
        dx = dout * (gamma * inv_std)
    dbeta = dout.mean(axis=0)
    return dx, dgamma, dbeta
