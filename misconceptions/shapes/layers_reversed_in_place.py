"""Reverses the caller's list (layers.reverse()) to walk from the last layer back: the right value, but the argument changes."""


def receptive_field(layers: list[tuple[int, int]]) -> int:
    _layers(layers)
    layers.reverse()
    r = 1
    for k, s in layers:
        r = s * (r - 1) + k
    return r
