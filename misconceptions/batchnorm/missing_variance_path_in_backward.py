"""dx ignores the path through the batch variance (the x_hat * dgamma term).

Batch normalization for fully connected layers ``(N, D)`` and for images ``(N, C, H, W)``.

PyTorch's semantics (``torch.nn.functional.batch_norm``):

- training normalizes every feature with the batch mean ``mu`` and the *biased* batch variance
  ``var`` (divide by N), then updates the running statistics with the *unbiased* variance
  (divide by N - 1)::

      running_mean = (1 - momentum) * running_mean + momentum * mu
      running_var  = (1 - momentum) * running_var  + momentum * var * N / (N - 1)

- evaluation normalizes with the running statistics and returns them unchanged.

The arrays passed in are never modified: the new running statistics are new arrays.
"""


def batchnorm_backward(dout: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_hat, gamma, inv_std = cache["x_hat"], cache["gamma"], cache["inv_std"]
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x_hat.shape:
        raise ValueError(
            f"batchnorm_backward: dout must have the shape of the forward's x {x_hat.shape}, got {dout.shape}"
        )
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    if cache["train"]:
        dx = (gamma * inv_std / n) * (n * dout - dbeta)
    else:
        dx = dout * (gamma * inv_std)
    return dx, dgamma, dbeta
