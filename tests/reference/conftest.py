"""Fixtures for the reference tests."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, so a failure reproduces."""
    return np.random.default_rng(0)
