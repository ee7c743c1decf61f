"""The residual exercise's plug-in: gradient-check cases drawn away from the block's ReLU kinks.

A ReLU has no derivative at zero, so a central difference that straddles a kink disagrees with
any backward, right or wrong. The rubric's ``smooth`` cases (a variant of the exercise file, with
``accept: away_from_relu_kinks``) are redrawn until both ReLU inputs of the block stay at least
:data:`MARGIN` away from zero, computed with the course's reference convolution.
"""

from __future__ import annotations

import numpy as np

from autograder.course import hooks

MARGIN = 1e-4
"""How far every ReLU input must stay from zero: far above the gradient check's step of 1e-6."""


@hooks.acceptor("away_from_relu_kinks")
def away_from_relu_kinks(args: list, course) -> bool:
    """Whether the block's two ReLU inputs, for these arguments, all lie at least MARGIN from zero."""
    x, params, stride = args
    conv2d_forward = course.reference("conv").conv2d_forward
    a1, _ = conv2d_forward(x, params["W1"], params["b1"], stride, 1)
    z, _ = conv2d_forward(np.maximum(a1, 0), params["W2"], params["b2"], 1, 1)
    shortcut = conv2d_forward(x, params["Ws"], params["bs"], stride, 0)[0] if "Ws" in params else x
    return float(min(np.abs(a1).min(), np.abs(z + shortcut).min())) > MARGIN
