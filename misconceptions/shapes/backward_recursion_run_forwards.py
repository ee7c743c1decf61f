"""Applies the output-to-input recursion r = s * (r - 1) + k to the layers input side first, instead of from the last layer back."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    r = 1
    for k, s in _layers(layers):
        r = s * (r - 1) + k
    return r
