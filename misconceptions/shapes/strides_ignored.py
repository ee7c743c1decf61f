"""Ignores the strides: r = 1 + sum of (k - 1), the receptive field of the same kernels with stride 1."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    r = 1
    for k, _ in _layers(layers):
        r += k - 1
    return r
