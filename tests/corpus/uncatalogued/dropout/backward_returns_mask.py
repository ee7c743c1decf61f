"""The backward returns the scaled mask itself and forgets to multiply it by dout.

The local derivative is right; the chain rule's upstream factor is missing.
"""


def dropout_backward(dout, cache):
    train, mask = cache
    dout = np.asarray(dout, dtype=np.float64)
    if not train:
        return dout.copy()
    if dout.shape != mask.shape:
        raise ValueError(f"dropout_backward: dout must have the shape of the forward's x {mask.shape}, got {dout.shape}")
    return mask.copy()
