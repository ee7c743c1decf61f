"""Scatters with np.add.at(dW, idx.ravel(), dout) without flattening dout, which fails for ids of more than one dimension.

The flattened ids no longer line up with dout's (N, T, D) shape; right for a 1-D sequence of ids.
"""


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    dW = np.zeros((V, D))
    np.add.at(dW, idx.ravel(), dout)
    return dW
