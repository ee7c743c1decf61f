"""Tools for checking the reference solutions against PyTorch, the independent oracle."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_default_dtype(torch.float64)

MAX_ABS_ERROR = 1e-10


def tensor(x: np.ndarray, requires_grad: bool = True) -> "torch.Tensor":
    """A float64 torch leaf tensor holding a copy of ``x``."""
    return torch.tensor(np.array(x, dtype=np.float64), requires_grad=requires_grad)


def assert_matches_torch(actual: np.ndarray, expected: "torch.Tensor | np.ndarray", what: str) -> None:
    """Fail unless ``actual`` has the shape of ``expected`` and agrees within ``MAX_ABS_ERROR``."""
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    assert isinstance(actual, np.ndarray), f"{what}: expected an ndarray, got {type(actual).__name__}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, torch gives {expected.shape}"
    error = float(np.max(np.abs(actual - expected), initial=0.0))
    assert error <= MAX_ABS_ERROR, f"{what}: max abs error {error:.3g} > {MAX_ABS_ERROR}"
