"""Exercise ``loss``: the softmax cross-entropy loss with its gradient, and gradient clipping.

``softmax_cross_entropy`` is ``torch.nn.functional.cross_entropy`` with mean reduction; it
returns its own gradient, as the last layer of a network does, so that backpropagation can start
there. ``clip_grad_norm`` is ``torch.nn.utils.clip_grad_norm_``, except that it returns new
arrays instead of scaling the gradients in place: the cure for exploding gradients.
"""

from __future__ import annotations

import numpy as np

# BEGIN SOLUTION
import math
# END SOLUTION

EPS = 1e-6
"""What ``clip_grad_norm`` adds to the total norm before dividing by it, as PyTorch does."""


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean softmax cross-entropy of a batch, and its gradient with respect to the logits.

    Parameters
    ----------
    logits : ndarray, shape (N, K)
        Unnormalized scores of N examples for K classes (N, K >= 1); they may be as large as
        ±1e4, as the scores of an untrained or diverging network are.
    y : ndarray of int, shape (N,)
        The correct class of each example, in ``[0, K)``: an integer array (any signed or
        unsigned integer dtype; bool is not one), not float64.

    Returns
    -------
    loss : float
        ``L = -(1/N) * sum over n of log softmax(logits)[n, y[n]]``, a Python float.
    dlogits : ndarray, shape (N, K)
        ``dL/dlogits = (softmax(logits) - onehot(y)) / N``.

    Raises
    ------
    ValueError
        If logits is not 2-D or has no row (N = 0) or no column (K = 0), y is not an integer
        array, y has another shape than (N,), or a label lies outside ``[0, K)``.

    Notes
    -----
    ``exp(1e4)`` overflows float64 (its largest value is about ``exp(709.8)``), so neither the
    softmax nor its logarithm may be computed as written. Both are unchanged when the same number
    is subtracted from every score of a row; with ``z = logits - max over the row``, every
    ``exp(z)`` lies in (0, 1] and the largest is 1, so their sum is at least 1 and::

        log softmax(logits)[n, k] = z[n, k] - log(sum over j of exp(z[n, j]))    (log-sum-exp)

    is exact even where ``softmax`` itself underflows to 0 (``log(0)`` would be ``-inf``). The
    gradient of the mean is that of each example's loss divided by N: the softmax minus one at the
    correct class. Like ``torch.nn.functional.cross_entropy``; logits and y are not modified.
    """
    # BEGIN SOLUTION: shift each row by its maximum, take log-sum-exp, then softmax minus one-hot over N
    logits = np.asarray(logits, dtype=np.float64)
    _check_logits_and_labels(logits, y)
    N = logits.shape[0]
    rows = np.arange(N)

    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()

    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    dlogits /= N
    return float(loss), dlogits
    # END SOLUTION


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """Scale a list of gradients down so that their total 2-norm is at most about ``max_norm``.

    Parameters
    ----------
    grads : list of ndarray
        The gradients of all the parameters of a model, of any shapes (0-d ones included).
    max_norm : float
        The largest total norm allowed; must be positive.

    Returns
    -------
    clipped : list of ndarray
        New arrays of the same shapes (a 0-d gradient stays a 0-d ndarray, not a numpy scalar),
        each ``g * min(1, max_norm / (total_norm + 1e-6))``. The arrays passed in are not modified.
    total_norm : float
        The 2-norm of all the elements of ``grads`` together, before clipping:
        ``sqrt(sum over g of sum(g**2))``. An empty list gives ``([], 0.0)``.

    Raises
    ------
    ValueError
        If ``max_norm`` is not a positive number (PyTorch accepts it; this course does not), or
        ``grads`` is not a list (or tuple) of arrays.

    Notes
    -----
    Backpropagation through many layers, or through many time steps of a recurrent network,
    multiplies many Jacobians; when their norms exceed 1 the gradient grows exponentially with
    depth (exploding gradients), and one step of gradient descent throws the weights far away.
    Clipping keeps the step's direction and bounds its length: every gradient is multiplied by
    the same factor, so the whole update, seen as one long vector, keeps its direction. Clipping
    each tensor by its own norm would change that direction.

    As in ``torch.nn.utils.clip_grad_norm_`` the factor is ``max_norm / (total_norm + 1e-6)``,
    capped at 1: gradients already short enough are left as they are (the 1e-6 keeps the division
    finite for all-zero gradients, and scales by a hair even when ``total_norm == max_norm``).
    PyTorch scales the gradients in place; here the inputs are left alone and new arrays returned.
    """
    # BEGIN SOLUTION: one norm over all the gradients together, then one common factor capped at 1
    grads = _check_grads(grads, max_norm)
    total_norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    factor = min(1.0, max_norm / (total_norm + EPS))
    clipped = [np.asarray(g * factor) for g in grads]  # np.asarray: a 0-d g times a float is a numpy scalar
    return clipped, total_norm
    # END SOLUTION


# BEGIN SOLUTION
def _check_logits_and_labels(logits: np.ndarray, y: np.ndarray) -> None:
    """Raise ``ValueError`` unless logits is ``(N, K)`` with N, K >= 1 and y holds N integer labels in [0, K)."""
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (N, K), got shape {logits.shape}")
    N, K = logits.shape
    if N == 0 or K == 0:
        raise ValueError(f"logits must have at least one row and one column (N, K >= 1), got shape {logits.shape}")
    if not isinstance(y, np.ndarray) or not np.issubdtype(y.dtype, np.integer):
        kind = f"an array of dtype {y.dtype}" if isinstance(y, np.ndarray) else type(y).__name__
        raise ValueError(f"y must be an integer ndarray of class labels, got {kind}")
    if y.shape != (N,):
        raise ValueError(f"y must have shape (N,) = ({N},) for logits of shape {logits.shape}, got {y.shape}")
    outside = (y < 0) | (y >= K)
    if np.any(outside):
        raise ValueError(f"labels must lie in [0, K) = [0, {K}); found {y[outside][0]} at index "
                         f"{int(np.flatnonzero(outside)[0])}")


def _check_grads(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """The gradients as float64 arrays; ``ValueError`` unless grads is a list of arrays and max_norm > 0."""
    number = isinstance(max_norm, (int, float, np.integer, np.floating)) and not isinstance(max_norm, (bool, np.bool_))
    if not number or not max_norm > 0:  # `not >` also refuses NaN
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    if not isinstance(grads, (list, tuple)):
        raise ValueError(f"grads must be a list of arrays, got {type(grads).__name__}")
    for k, g in enumerate(grads):
        if not isinstance(g, np.ndarray):
            raise ValueError(f"grads[{k}] must be an ndarray, got {type(g).__name__}")
    return [np.asarray(g, dtype=np.float64) for g in grads]


# END SOLUTION
