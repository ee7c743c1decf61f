"""Requires exactly one filter per input channel (w.shape[0] == C), so a depth multiplier M > 1 raises ValueError.

"Depthwise" is read as one filter per channel; torch's groups=C allows any multiple of C filters,
M per channel. Right for M == 1.
"""


def _check_depthwise_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> int:
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != 1:
        raise ValueError(f"w must be 4-D (C, 1, KH, KW), one input channel per filter, got shape {w.shape}")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"w must have one filter per channel of x: x shape {x.shape}, w shape {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (C,) = ({w.shape[0]},) for w of shape {w.shape}, got {b.shape}")
    return 1
