"""Forgets to add the bias b in the forward pass.

Only the functions the mistake changes are here; the rest of the module is the reference's.
"""


def affine_forward(x, w, b):
    _check_shapes(x, w, b)
    return x @ w, (x, w)
