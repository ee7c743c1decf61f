"""A basic residual block, as in ResNet without normalization, built from the course's convolution.

::

    h   = relu(conv2d(x, W1, b1, stride=stride, pad=1))
    z   = conv2d(h, W2, b2, stride=1, pad=1)
    s   = conv2d(x, Ws, bs, stride=stride, pad=0)   if "Ws" in params, else x
    out = relu(z + s)

The block uses the convolution of its own package (``conv2d_forward`` and ``conv2d_backward``
from ``conv.py``), so your residual block runs on your own convolution.
"""

from __future__ import annotations

import numpy as np

from .conv import conv2d_backward, conv2d_forward


def residual_block_forward(
    x: np.ndarray, params: dict[str, np.ndarray], stride: int | tuple[int, int] = 1
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a basic residual block.

    ::

        h   = relu(conv2d(x, W1, b1, stride=stride, pad=1))     (N, F, Ho, Wo)
        z   = conv2d(h, W2, b2, stride=1, pad=1)                (N, F, Ho, Wo)
        s   = conv2d(x, Ws, bs, stride=stride, pad=0)  if "Ws" in params, else x
        out = relu(z + s)

    The identity shortcut ``s = x`` only fits when the block keeps the shape: stride 1 and
    C == F. Otherwise the 1x1 projection ``Ws`` maps x to (N, F, Ho, Wo).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    params : dict of ndarray
        ``W1`` (F, C, 3, 3), ``b1`` (F,), ``W2`` (F, F, 3, 3), ``b2`` (F,), and optionally the
        projection shortcut ``Ws`` (F, C, 1, 1), ``bs`` (F,). Never modified.
    stride : int or pair of ints
        Stride of the first convolution and of the projection shortcut.

    Returns
    -------
    out : ndarray, shape (N, F, Ho, Wo)
        ``Ho = (H - 1) // stride + 1``, likewise ``Wo``.
    cache : tuple
        What ``residual_block_backward`` needs, including the convolutions' own caches.

    Raises
    ------
    ValueError
        For a missing or unknown key, ``Ws`` without ``bs`` (or the reverse), a parameter of the
        wrong shape, or an identity shortcut (no ``Ws``) with ``stride != 1`` or ``C != F``.
    """
    raise NotImplementedError('residual_block_forward: two 3x3 convolutions with a relu between, add the (identity or 1x1) shortcut, relu')


def residual_block_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Backward pass of a basic residual block.

    Walk the forward backwards: through the last relu, then ``dout`` splits into the branch
    (``z``) and the shortcut (``s``); the branch goes back through the second convolution, the
    first relu and the first convolution. ``x`` feeds both the branch and the shortcut, so its
    gradient is the sum of the two. Use ``conv2d_backward`` for every convolution; relu passes
    the gradient where its input was positive.

    Parameters
    ----------
    dout : ndarray, shape (N, F, Ho, Wo)
        Upstream gradient of the loss with respect to ``out``.
    cache : tuple
        The cache returned by ``residual_block_forward``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    grads : dict of ndarray
        The same keys as ``params``: ``W1``, ``b1``, ``W2``, ``b2`` (and ``Ws``, ``bs``), each
        gradient with the shape of its parameter.
    """
    raise NotImplementedError('residual_block_backward: back through the last relu, split into branch and shortcut, add the two gradients on x')
