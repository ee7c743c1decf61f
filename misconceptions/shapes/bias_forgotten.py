"""Counts the weights only, never the F biases."""


def conv_parameter_count(
    in_channels: int, filters: int, kernel_size: int | tuple[int, int], groups: int = 1, bias: bool = True
) -> int:
    C, F = _count(in_channels, "in_channels"), _count(filters, "filters")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    G = _groups(groups, C, F)
    _check_flag(bias, "bias")
    return F * (C // G) * KH * KW
