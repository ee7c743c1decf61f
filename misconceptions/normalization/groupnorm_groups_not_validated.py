"""Group norm trusting x.reshape(N, groups, -1) to reject a bad groups: it does not when groups divides C * H * W but not C."""


def _check_groups(groups, channels):
    pass
