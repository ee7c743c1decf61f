"""Adds up the kernel sizes (r = sum of k) instead of growing r by k - 1 per layer: neighbouring windows overlap."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    r = 0
    for k, _ in _layers(layers):
        r += k
    return r
