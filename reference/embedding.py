"""Exercise ``embedding``: the forward and backward pass of an embedding layer (a lookup table).

A vocabulary of V tokens is numbered 0 .. V-1. Token v is the one-hot vector ``e_v`` of length V,
and the layer maps it to the dense code ``e_v @ W = W[v]``, row v of a learned table W (V, D). A
batch of token ids ``idx`` therefore maps to ``W[idx]``: the product of the one-hot matrix with W,
computed by picking rows instead of multiplying by zeros. As ``torch.nn.functional.embedding``
(without ``padding_idx``, ``max_norm`` or a sparse gradient).
"""

from __future__ import annotations

import numpy as np


def embedding_forward(idx: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Forward pass of an embedding layer: look up the row of W of every token id.

    Parameters
    ----------
    idx : ndarray of integers, any shape (for example (N, T))
        Token ids in ``[0, V)``: any signed or unsigned integer dtype (``int64``, ``int32``,
        ``uint8`` ...). Not floats, and not booleans (a boolean array would be read as a mask).
    W : ndarray, shape (V, D)
        The embedding table: row v is the D-dimensional code of token v.

    Returns
    -------
    out : ndarray, shape idx.shape + (D,)
        ``out[..., :] = W[idx[...], :]``: a (N, T) batch of ids gives (N, T, D) codes, a 1-D
        sequence of T ids gives (T, D), a (N, T, K) array gives (N, T, K, D).
    cache : tuple
        Whatever ``embedding_backward`` needs.

    Raises
    ------
    ValueError
        If idx is not an integer array, holds an id outside ``[0, V)``, or W is not 2-D.

    Notes
    -----
    With ``one_hot(idx)`` of shape ``idx.shape + (V,)``, ``out = one_hot(idx) @ W``: the layer is a
    linear layer whose inputs are one-hot vectors. Indexing gives the same values without building
    the one-hot matrix. numpy would read a negative id as counting from the end of W; an
    embedding has no such ids, so they are rejected. Neither idx nor W is modified.
    """
    # BEGIN SOLUTION: check idx and W, then pick the row of W of every id
    W = np.asarray(W, dtype=np.float64)
    idx = _check_indices(idx, W)
    out = W[idx]
    cache = (idx, W.shape)
    return out, cache
    # END SOLUTION


def embedding_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of ``embedding_forward``: the gradient with respect to the table W.

    Parameters
    ----------
    dout : ndarray, shape idx.shape + (D,)
        Gradient of the loss with respect to the forward output ``out``.
    cache : tuple
        The ``cache`` returned by ``embedding_forward``.

    Returns
    -------
    dW : ndarray, shape (V, D)
        ``dW[v]`` is the sum of ``dout[...]`` over every position where ``idx[...] == v``; rows of
        tokens that do not occur in idx get zero. (idx is an integer input: it has no gradient.)

    Raises
    ------
    ValueError
        If ``dout`` does not have the shape of the forward output.

    Notes
    -----
    From ``out = one_hot(idx) @ W``, ``dW = one_hot(idx).T @ dout`` (both flattened over idx's
    positions): every position adds its gradient to the row it picked. A token that occurs
    several times receives the sum of all its gradients, as in ``torch.nn.functional.embedding``.
    Beware ``dW[idx] += dout``: numpy's fancy-index ``+=`` reads and writes each row once, so a
    repeated id keeps only one of its gradients; ``np.add.at`` (or a loop) adds them all.
    """
    # BEGIN SOLUTION: add the gradient of every position to the row its id picked
    idx, (V, D) = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != idx.shape + (D,):
        raise ValueError(
            f"dout must have the forward output's shape idx.shape + (D,) = {idx.shape + (D,)}, got {dout.shape}"
        )
    dW = np.zeros((V, D))
    np.add.at(dW, idx.ravel(), dout.reshape(-1, D))  # unbuffered: repeated ids accumulate
    return dW
    # END SOLUTION


# BEGIN SOLUTION
def _check_indices(idx: np.ndarray, W: np.ndarray) -> np.ndarray:
    """``idx`` as an array, or ``ValueError`` unless it holds integer ids in ``[0, V)`` for a 2-D W."""
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D (V, D), got shape {W.shape}")
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iu":  # "b" (bool) is not an integer kind
        raise ValueError(
            f"idx must be an integer array of token ids (a signed or unsigned integer dtype), got dtype {idx.dtype}; "
            f"convert ids stored as floats with idx.astype(np.int64)"
        )
    V = W.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= V):
        bad = idx[(idx < 0) | (idx >= V)]
        raise ValueError(
            f"idx must hold token ids in [0, V) = [0, {V}) for W of shape {W.shape}, found {bad.size} outside, "
            f"e.g. {bad.flat[0]}"
        )
    return idx


# END SOLUTION
