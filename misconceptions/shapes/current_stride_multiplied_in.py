"""Multiplies the jump by a layer's stride before adding its kernel, so each layer's own stride (the last one too) counts."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    r, j = 1, 1
    for k, s in _layers(layers):
        j *= s
        r += (k - 1) * j
    return r
