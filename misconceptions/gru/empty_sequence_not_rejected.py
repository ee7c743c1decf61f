"""An empty sequence (T = 0) accepted: the loop runs zero times and returns an empty h instead of raising ValueError."""


def _check_sequence_args(x, h0, Wx, Wh, bx, bh):
    function = "gru_forward"
    _check_ndim(function, "x", x, "(N, T, D)")
    H = _check_weights(function, x, Wx, Wh, bx, bh)
    _check_state(function, "h0", h0, x.shape[0], H)
