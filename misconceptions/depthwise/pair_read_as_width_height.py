"""Reads a pair stride or pad as (width, height) instead of (height, width).

The student thinks of images as x-y coordinates; PyTorch's pairs are (h, w), as the shape (H, W)
is. Right for an int stride and pad, or a pair with equal entries.
"""


def _pair(value: int | tuple[int, int], name: str, minimum: int) -> tuple[int, int]:
    def is_int(v: object) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    if is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value):
        width, height = value
        pair = (int(height), int(width))
    else:
        raise ValueError(f"{name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(pair) < minimum:
        kind = {0: "non-negative", 1: "positive"}.get(minimum, f"at least {minimum}")
        raise ValueError(f"{name} must be {kind} on both axes, got {value!r}")
    return pair
