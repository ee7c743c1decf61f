"""Inverted dropout: the forward pass zeroes random units, the backward pass reuses the same mask.

PyTorch's convention: ``p`` is the probability of *dropping* a unit. In training each element
of ``x`` is kept with probability ``1 - p`` and the kept ones are scaled by ``1 / (1 - p)``, so
the expected output equals ``x`` and evaluation needs no rescaling: in evaluation dropout is the
identity.
"""

from __future__ import annotations

import numpy as np


def dropout_forward(
    x: np.ndarray,
    p: float = 0.5,
    train: bool = True,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of inverted dropout.

    In training, every element is dropped independently with probability ``p``::

        keep ~ Bernoulli(1 - p)          (one draw per element, shape of x)
        out  = keep * x / (1 - p)

    so that ``E[out] = x``. With ``p == 1`` every unit is dropped and ``out`` is all zeros
    (mind the division by ``1 - p``). In evaluation (``train=False``) the output equals ``x``.

    Parameters
    ----------
    x : ndarray, any shape
        Input activations.
    p : float
        Probability of dropping a unit, in [0, 1] (PyTorch's convention, not the keep probability).
    train : bool
        Training mode draws a mask; evaluation mode is the identity.
    rng : numpy.random.Generator or None
        Source of randomness for the mask; None means a fresh ``numpy.random.default_rng()``.
        The same generator state must give the same mask.

    Returns
    -------
    out : ndarray, shape of x
        The output, a new array (also in evaluation mode).
    cache : tuple
        What ``dropout_backward`` needs to send the gradient through the same units.

    Raises
    ------
    ValueError
        If ``p`` is not a real number in [0, 1] or ``rng`` is neither None nor a Generator.
    """
    # BEGIN SOLUTION: draw a keep mask with probability 1 - p per element and scale the kept units by 1/(1-p)
    _check_probability(p)
    rng = _check_generator(rng)
    x = np.asarray(x, dtype=np.float64)
    if not train:
        return x.copy(), (False, None)
    keep = rng.random(x.shape) >= p
    mask = keep / (1.0 - p) if p < 1 else np.zeros(x.shape)
    out = x * mask
    return out, (True, mask)
    # END SOLUTION


def dropout_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of inverted dropout.

    The gradient flows only through the units the forward pass kept, scaled like them::

        dx = keep * dout / (1 - p)

    In evaluation mode dropout was the identity, so ``dx = dout``.

    Parameters
    ----------
    dout : ndarray, shape of the forward's x
        Upstream gradient of the loss with respect to ``out``.
    cache : tuple
        The cache returned by ``dropout_forward``.

    Returns
    -------
    dx : ndarray, shape of dout
        Gradient of the loss with respect to ``x``.
    """
    # BEGIN SOLUTION: reuse the forward's mask (identity in evaluation mode)
    train, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    if not train:
        return dout.copy()
    if dout.shape != mask.shape:
        raise ValueError(
            f"dropout_backward: dout must have the shape of the forward's x {mask.shape}, got {dout.shape}"
        )
    return dout * mask
    # END SOLUTION


# BEGIN SOLUTION
import numbers


def _check_probability(p: object) -> None:
    """Raise ``ValueError`` unless ``p`` is a real number in [0, 1]."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise ValueError(f"dropout: p must be a real number in [0, 1], got {p!r} of type {type(p).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p is the probability of dropping a unit and must lie in [0, 1], got {p!r}")


def _check_generator(rng: object) -> np.random.Generator:
    """Return ``rng``, or a fresh generator when it is None; raise ``ValueError`` for anything else."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            "dropout: rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)) or None, "
            f"got {type(rng).__name__}"
        )
    return rng


# END SOLUTION
