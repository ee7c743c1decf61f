"""Small value types shared by the judge and the sandbox, importable without either."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RngSeed:
    """An argument the worker turns into ``numpy.random.default_rng(seed)``."""

    seed: int
