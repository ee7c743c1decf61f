"""Writes the one-hot backward as dout.T @ one_hot, which gives dW transposed: (D, V) instead of (V, D).

The student derives dW from out = one_hot @ W but multiplies in the wrong order; the values are
those of dW.T, so only a square table (V == D) gets the right shape.
"""


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    one_hot = (idx.reshape(-1, 1) == np.arange(V)).astype(np.float64)  # (idx.size, V)
    return dout.reshape(-1, D).T @ one_hot
