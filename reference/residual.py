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
    # BEGIN SOLUTION: two 3x3 convolutions with a relu between, add the (identity or 1x1) shortcut, relu
    x = np.asarray(x, dtype=np.float64)
    _check_keys(params)
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    _check_shapes(x, params, _as_stride_pair(stride))
    a1, conv1_cache = conv2d_forward(x, params["W1"], params["b1"], stride=stride, pad=1)
    h = np.maximum(a1, 0.0)
    z, conv2_cache = conv2d_forward(h, params["W2"], params["b2"], stride=1, pad=1)
    if "Ws" in params:
        s, shortcut_cache = conv2d_forward(x, params["Ws"], params["bs"], stride=stride, pad=0)
    else:
        s, shortcut_cache = x, None
    a2 = z + s
    out = np.maximum(a2, 0.0)
    return out, (a1, a2, conv1_cache, conv2_cache, shortcut_cache)
    # END SOLUTION


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
    # BEGIN SOLUTION: back through the last relu, split into branch and shortcut, add the two gradients on x
    a1, a2, conv1_cache, conv2_cache, shortcut_cache = cache
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != a2.shape:
        raise ValueError(
            f"residual_block_backward: dout must have the shape of the block's output {a2.shape}, got {dout.shape}"
        )
    da2 = _relu_backward(dout, a2)
    dh, dW2, db2 = conv2d_backward(da2, conv2_cache)
    dx, dW1, db1 = conv2d_backward(_relu_backward(dh, a1), conv1_cache)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    if shortcut_cache is None:
        dx = dx + da2
    else:
        dx_shortcut, grads["Ws"], grads["bs"] = conv2d_backward(da2, shortcut_cache)
        dx = dx + dx_shortcut
    return dx, grads
    # END SOLUTION


# BEGIN SOLUTION
_MAIN_KEYS = ("W1", "b1", "W2", "b2")
_SHORTCUT_KEYS = ("Ws", "bs")


def _as_stride_pair(stride: object) -> tuple[int, int]:
    """``stride`` as a pair of positive ints; raise ``ValueError`` otherwise."""
    pair = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
    if len(pair) != 2 or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in pair):
        raise ValueError(f"residual block: stride must be a positive int or a pair of positive ints, got {stride!r}")
    return pair


def _check_keys(params: dict) -> None:
    """Raise ``ValueError`` for missing, unknown or half-given shortcut keys."""
    missing = [key for key in _MAIN_KEYS if key not in params]
    if missing:
        raise ValueError(
            f"residual block: params is missing {missing}; it needs W1, b1, W2, b2 (and optionally Ws, bs)"
        )
    unknown = sorted(set(params) - set(_MAIN_KEYS) - set(_SHORTCUT_KEYS))
    if unknown:
        raise ValueError(f"residual block: unknown keys {unknown} in params; allowed are W1, b1, W2, b2, Ws, bs")
    if ("Ws" in params) != ("bs" in params):
        raise ValueError("residual block: the projection shortcut needs both Ws and bs, got only one of them")


def _check_shapes(x: np.ndarray, params: dict, stride: tuple[int, int]) -> None:
    """Raise ``ValueError`` unless x and every parameter have the shapes of the block."""
    if x.ndim != 4:
        raise ValueError(f"residual block: x must have shape (N, C, H, W), got shape {x.shape}")
    c = x.shape[1]
    f = np.shape(params["W1"])[0] if np.ndim(params["W1"]) == 4 else None
    expected = {"W1": (f, c, 3, 3), "b1": (f,), "W2": (f, f, 3, 3), "b2": (f,), "Ws": (f, c, 1, 1), "bs": (f,)}
    for key in params:
        if np.shape(params[key]) != expected[key]:
            raise ValueError(
                f"residual block: {key} must have shape {_shape_text(expected[key])} "
                f"(x has C = {c} channels, W1 has F = {f} filters), got shape {np.shape(params[key])}"
            )
    if "Ws" not in params and (stride != (1, 1) or c != f):
        raise ValueError(
            f"residual block: the identity shortcut needs stride 1 and C == F, got stride {stride}, "
            f"C = {c}, F = {f}; pass a projection shortcut Ws (F, C, 1, 1), bs (F,) in params"
        )


def _shape_text(shape: tuple) -> str:
    """A shape with ``F`` where the number of filters is unknown."""
    return "(" + ", ".join("F" if n is None else str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _relu_backward(dout: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Gradient through ``relu(a)``: pass where ``a > 0``, block elsewhere (also at 0, as PyTorch)."""
    return dout * (a > 0)


# END SOLUTION
