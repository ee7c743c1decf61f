"""Starts from the first layer's kernel (r = layers[0][0]), which fails on an empty stack instead of giving 1."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    pairs = _layers(layers)
    r, j = pairs[0][0], pairs[0][1]
    for k, s in pairs[1:]:
        r += (k - 1) * j
        j *= s
    return r
