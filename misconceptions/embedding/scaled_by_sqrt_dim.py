"""Multiplies the embeddings by sqrt(D), as the Transformer's input layer does, in the forward and the backward.

"Attention is all you need" scales its embeddings before adding positional codes; the embedding
layer itself (torch.nn.functional.embedding) is the plain lookup W[idx]. Right only for D = 1.
"""


def embedding_forward(idx: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, tuple]:
    W = np.asarray(W, dtype=np.float64)
    idx = _check_indices(idx, W)
    out = W[idx] * np.sqrt(W.shape[1])
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
    np.add.at(dW, idx.ravel(), dout.reshape(-1, D) * np.sqrt(D))
    return dW
