"""Exercise ``loss``: the softmax cross-entropy loss with its gradient, and gradient clipping.

``softmax_cross_entropy`` is ``torch.nn.functional.cross_entropy`` with mean reduction; it
returns its own gradient, as the last layer of a network does, so that backpropagation can start
there. ``clip_grad_norm`` is ``torch.nn.utils.clip_grad_norm_``, except that it returns new
arrays instead of scaling the gradients in place: the cure for exploding gradients.
"""

from __future__ import annotations

import numpy as np


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
    raise NotImplementedError('softmax_cross_entropy: shift each row by its maximum, take log-sum-exp, then softmax minus one-hot over N')


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
    raise NotImplementedError('clip_grad_norm: one norm over all the gradients together, then one common factor capped at 1')
