"""Takes the vocabulary size from the ids (V = idx.max() + 1) in the backward, so dW misses the rows after the largest id used.

The cache keeps idx but not W's shape; right whenever the last token of the vocabulary occurs in idx.
"""


def embedding_forward(idx: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, tuple]:
    W = np.asarray(W, dtype=np.float64)
    idx = _check_indices(idx, W)
    out = W[idx]
    cache = (idx, W.shape[1])
    return out, cache


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, D = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    V = int(idx.max()) + 1  # the number of tokens
    dW = np.zeros((V, D))
    np.add.at(dW, idx.ravel(), dout.reshape(-1, D))
    return dW
