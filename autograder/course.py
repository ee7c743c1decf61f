"""What the course is made of: its exercises, their functions and how those functions are called.

This module is the grader's reading of ``shared/exercise-contract.md``. A :class:`Layer` says,
for one forward/backward pair, which arguments the forward takes, what it returns, which of
its outputs carry an upstream gradient and which inputs the backward differentiates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "reference"
STUBS_DIR = ROOT / "exercises"
RUBRICS_DIR = Path(os.environ.get("AUTOGRADER_RUBRICS", ROOT / "rubrics"))

EXERCISES: tuple[str, ...] = ("conv", "pooling", "rnn", "lstm", "dropout", "batchnorm", "residual")
"""The course's exercises, in the order every report lists them."""

FORBIDDEN_MODULES: tuple[str, ...] = ("torch", "scipy", "tensorflow", "jax", "reference", "autograder")
"""Top-level packages a submission may not import (the contract's list, plus the grader itself)."""

DEPENDS_ON: dict[str, tuple[str, ...]] = {"residual": ("conv",)}
"""Exercises whose modules import another exercise's module, as the residual block uses conv."""


@dataclass(frozen=True)
class Layer:
    """How one layer's functions are called.

    Attributes
    ----------
    exercise : str
        The exercise (module) the functions live in.
    forward : str
        The forward function's name.
    args : tuple of str
        The forward's positional parameters, in order.
    outputs : tuple of str
        What the forward returns, in order, without the trailing cache.
    differentiable : tuple of str
        The outputs the backward receives an upstream gradient for, in the order it takes them.
    backward : str or None
        The backward function's name, called as ``backward(*douts, cache)``.
    wrt : tuple of str
        The forward arguments the backward returns gradients for, in order.
    has_cache : bool
        Whether the forward returns a cache as its last value.
    backward_needs_training : bool
        Whether the backward is defined only for a cache of a forward in training mode.
    """

    exercise: str
    forward: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]
    differentiable: tuple[str, ...] = ()
    backward: str | None = None
    wrt: tuple[str, ...] = ()
    has_cache: bool = True
    backward_needs_training: bool = False

    @property
    def random(self) -> bool:
        """Whether the forward draws from a generator, so its output is not one fixed array."""
        return "rng" in self.args


_BN_ARGS = ("x", "gamma", "beta", "running_mean", "running_var", "train", "momentum", "eps")
_BN_OUTPUTS = ("out", "running_mean", "running_var")

LAYERS: dict[str, Layer] = {
    layer.forward: layer
    for layer in (
        Layer("conv", "conv2d_forward", ("x", "w", "b", "stride", "pad"), ("out",),
              ("out",), "conv2d_backward", ("x", "w", "b")),
        Layer("pooling", "max_pool2d_forward", ("x", "kernel_size", "stride"), ("out",),
              ("out",), "max_pool2d_backward", ("x",)),
        Layer("pooling", "avg_pool2d_forward", ("x", "kernel_size", "stride"), ("out",),
              ("out",), "avg_pool2d_backward", ("x",)),
        Layer("rnn", "rnn_step_forward", ("x", "h_prev", "Wx", "Wh", "b"), ("h_next",),
              ("h_next",), "rnn_step_backward", ("x", "h_prev", "Wx", "Wh", "b")),
        Layer("rnn", "rnn_forward", ("x", "h0", "Wx", "Wh", "b"), ("h",),
              ("h",), "rnn_backward", ("x", "h0", "Wx", "Wh", "b")),
        Layer("lstm", "lstm_gates", ("x", "h_prev", "Wx", "Wh", "b"), ("i", "f", "g", "o"), has_cache=False),
        Layer("lstm", "lstm_step_forward", ("x", "h_prev", "c_prev", "Wx", "Wh", "b"), ("h_next", "c_next"),
              ("h_next", "c_next"), "lstm_step_backward", ("x", "h_prev", "c_prev", "Wx", "Wh", "b")),
        Layer("lstm", "lstm_forward", ("x", "h0", "Wx", "Wh", "b"), ("h",),
              ("h",), "lstm_backward", ("x", "h0", "Wx", "Wh", "b")),
        Layer("dropout", "dropout_forward", ("x", "p", "train", "rng"), ("out",),
              ("out",), "dropout_backward", ("x",)),
        Layer("batchnorm", "batchnorm_forward", _BN_ARGS, _BN_OUTPUTS,
              ("out",), "batchnorm_backward", ("x", "gamma", "beta"), backward_needs_training=True),
        Layer("batchnorm", "spatial_batchnorm_forward", _BN_ARGS, _BN_OUTPUTS,
              ("out",), "spatial_batchnorm_backward", ("x", "gamma", "beta"), backward_needs_training=True),
        Layer("residual", "residual_block_forward", ("x", "params", "stride"), ("out",),
              ("out",), "residual_block_backward", ("x", "params")),
    )
}
"""Every layer of the course, keyed by its forward function's name."""


def layer_of(function: str) -> Layer:
    """The layer a forward or backward function belongs to.

    Raises
    ------
    KeyError
        When no layer of the course has a function of that name.
    """
    for layer in LAYERS.values():
        if function in (layer.forward, layer.backward):
            return layer
    known = sorted({name for layer in LAYERS.values() for name in (layer.forward, layer.backward) if name})
    raise KeyError(f"{function!r} is not a function of the course; known functions: {', '.join(known)}")
