"""Case generation: from a rubric case (shapes and arguments) and a seed to concrete inputs.

A rubric case names only the kind of input ("x: [2, 3, 7, 7], w: [4, 3, 3, 3], stride: 2"). Its
values are drawn from a generator seeded by the case's identity. Public cases use a fixed seed,
so everyone sees the same numbers; hidden cases are seeded by an HMAC of the instructor's secret
and the submission's identity, so every student gets different values that nobody can predict
without the secret.

Each forward function has a :class:`Builder` that knows which case keys it accepts and how to
turn them into the forward's positional arguments. A key named after an array argument
overrides that array's shape, which is how rubrics write invalid-argument cases.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from autograder.runner import RngSeed
from autograder.secret import DEFAULT_SECRET

PUBLIC_KEY = b"autograder-public-cases"
SMOOTH_MARGIN = 1e-4


@dataclass(frozen=True)
class Secret:
    """The instructor's secret for hidden cases and where it came from."""

    value: bytes
    source: str

    @property
    def is_default(self) -> bool:
        return self.value == DEFAULT_SECRET


def load_secret() -> Secret:
    """The secret from ``AUTOGRADER_SECRET``, or the file named by ``AUTOGRADER_SECRET_FILE``,
    or the built-in default (fine for local use, never for a graded course).

    Raises
    ------
    RuntimeError
        In the student release, which has no default secret and no hidden cases.
    """
    if os.environ.get("AUTOGRADER_SECRET"):
        return Secret(os.environ["AUTOGRADER_SECRET"].encode(), "the AUTOGRADER_SECRET environment variable")
    path = os.environ.get("AUTOGRADER_SECRET_FILE")
    if path:
        return Secret(Path(path).read_bytes().strip(), f"the key file {path}")
    if DEFAULT_SECRET is None:
        raise RuntimeError("no secret for hidden cases: this is the student release, which grades the public cases "
                           "only; expected AUTOGRADER_SECRET or AUTOGRADER_SECRET_FILE to be set")
    return Secret(DEFAULT_SECRET, "the built-in default secret (set AUTOGRADER_SECRET for real grading)")


@dataclass(frozen=True)
class Case:
    """One concrete case of a criterion.

    Attributes
    ----------
    criterion : str
        The criterion's id.
    visibility : {"public", "hidden"}
    index : int
        Position among the criterion's cases of that visibility.
    label : str
        The kind of case, shown to students also for hidden cases.
    params : dict
        The rubric's keys for the case, without the label.
    seed : int
        Seeds every value the case draws.
    """

    criterion: str
    visibility: str
    index: int
    label: str
    params: dict = field(hash=False)
    seed: int

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    def rng(self, stream: str = "inputs") -> np.random.Generator:
        """A generator for one use of the case (inputs, upstream gradients, directions ...)."""
        digest = hashlib.sha256(f"{self.seed}:{stream}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def case_seed(secret: Secret, identity: str, criterion: str, visibility: str, index: int) -> int:
    """The seed of a case: fixed for public cases, an HMAC of secret and submission for hidden ones."""
    if visibility == "public":
        key, message = PUBLIC_KEY, f"{criterion}|{index}"
    else:
        key, message = secret.value, f"{identity}|{criterion}|{visibility}|{index}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


# -- builders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Builder:
    """Turns a case's keys into a forward's positional arguments.

    Attributes
    ----------
    keys : frozenset of str
        The case keys this builder accepts (besides ``label``).
    make : callable
        ``make(params, rng) -> list`` of positional arguments.
    """

    keys: frozenset
    make: Callable[[dict, np.random.Generator], list]


def _shape(params: dict, key: str, default: tuple) -> tuple:
    return tuple(params.get(key, default))


def _pair_arg(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _conv(params, rng):
    x_shape = _shape(params, "x", (2, 3, 5, 5))
    w_shape = _shape(params, "w", (4, x_shape[1], 3, 3))
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal(w_shape) / np.sqrt(np.prod(w_shape[1:]))
    b = rng.standard_normal(_shape(params, "b", (w_shape[0],)))
    return [x, w, b, _pair_arg(params.get("stride", 1)), _pair_arg(params.get("pad", 0))]


def _pool(params, rng):
    shape = _shape(params, "x", (2, 3, 4, 4))
    if params.get("ties"):
        x = rng.integers(0, 3, size=shape).astype(np.float64)
    elif params.get("distinct"):
        x = (rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) / 10.0
    else:
        x = rng.standard_normal(shape)
    args = [x, _pair_arg(params.get("kernel_size", 2))]
    if "stride" in params:
        args.append(_pair_arg(params["stride"]))
    return args


def _recurrent_weights(params, rng, gates: int):
    n, d, h = params.get("N", 3), params.get("D", 4), params.get("H", 5)
    wx = rng.standard_normal(_shape(params, "Wx", (d, gates * h))) / np.sqrt(d)
    wh = rng.standard_normal(_shape(params, "Wh", (h, gates * h))) / np.sqrt(h)
    b = rng.standard_normal(_shape(params, "b", (gates * h,))) * 0.5
    return n, d, h, wx, wh, b


def _rnn_step(params, rng):
    n, d, h, wx, wh, b = _recurrent_weights(params, rng, 1)
    x = rng.standard_normal(_shape(params, "x", (n, d)))
    h_prev = rng.standard_normal(_shape(params, "h_prev", (n, h)))
    return [x, h_prev, wx, wh, b]


def _rnn_sequence(params, rng, gates: int = 1):
    n, d, h, wx, wh, b = _recurrent_weights(params, rng, gates)
    x = rng.standard_normal(_shape(params, "x", (n, params.get("T", 4), d)))
    h0 = rng.standard_normal(_shape(params, "h0", (n, h)))
    return [x, h0, wx, wh, b]


def _lstm_gates(params, rng):
    n, d, h, wx, wh, b = _recurrent_weights(params, rng, 4)
    x = rng.standard_normal(_shape(params, "x", (n, d)))
    h_prev = rng.standard_normal(_shape(params, "h_prev", (n, h)))
    return [x, h_prev, wx, wh, b]


def _lstm_step(params, rng):
    x, h_prev, wx, wh, b = _lstm_gates(params, rng)
    c_prev = rng.standard_normal(_shape(params, "c_prev", h_prev.shape))
    return [x, h_prev, c_prev, wx, wh, b]


def _dropout(params, rng):
    x = rng.standard_normal(_shape(params, "x", (50, 40)))
    x[x == 0] = 1.0
    seed = int(params.get("seed", rng.integers(2**31)))
    return [x, params.get("p", 0.5), params.get("train", True), RngSeed(seed)]


def _batchnorm(params, rng):
    shape = _shape(params, "x", (8, 5))
    channels = shape[1] if len(shape) > 1 else 1
    x = rng.standard_normal(shape) * 3.0
    if len(shape) >= 2:
        x = x + rng.standard_normal(channels).reshape((1, channels) + (1,) * (len(shape) - 2))
    gamma = rng.standard_normal(_shape(params, "gamma", (channels,)))
    beta = rng.standard_normal(_shape(params, "beta", (channels,)))
    running_mean = rng.standard_normal(_shape(params, "running_mean", (channels,)))
    running_var = rng.uniform(0.5, 2.0, _shape(params, "running_var", (channels,)))
    return [x, gamma, beta, running_mean, running_var, params.get("train", True),
            params.get("momentum", 0.1), params.get("eps", 1e-5)]


def _residual(params, rng):
    for _ in range(200):
        args = _residual_draw(params, rng)
        if not params.get("smooth") or _residual_margin(*args) > SMOOTH_MARGIN:
            return args
    raise RuntimeError("could not draw a residual-block case away from the ReLU kinks in 200 tries")


def _residual_draw(params, rng):
    n, c, h, w = _shape(params, "x", (2, 3, 6, 6))
    f = params.get("F", c)
    shapes = {"W1": (f, c, 3, 3), "b1": (f,), "W2": (f, f, 3, 3), "b2": (f,)}
    if params.get("projection") or "Ws" in params or "bs" in params:
        shapes.update(Ws=(f, c, 1, 1), bs=(f,))
    for key in shapes:
        shapes[key] = _shape(params, key, shapes[key])
    x = rng.standard_normal((n, c, h, w))
    block = {key: rng.standard_normal(shape) / (np.sqrt(np.prod(shape[1:])) if len(shape) == 4 else 2.0)
             for key, shape in shapes.items()}
    return [x, block, _pair_arg(params.get("stride", 1))]


def _residual_margin(x, params, stride) -> float:
    """How far the block's ReLU inputs stay from zero, using the reference convolution."""
    from reference.conv import conv2d_forward

    a1, _ = conv2d_forward(x, params["W1"], params["b1"], stride, 1)
    z, _ = conv2d_forward(np.maximum(a1, 0), params["W2"], params["b2"], 1, 1)
    s = conv2d_forward(x, params["Ws"], params["bs"], stride, 0)[0] if "Ws" in params else x
    return float(min(np.abs(a1).min(), np.abs(z + s).min()))


def _builder(make, *keys):
    return Builder(frozenset(keys), make)


BUILDERS: dict[str, Builder] = {
    "conv2d_forward": _builder(_conv, "x", "w", "b", "stride", "pad"),
    "max_pool2d_forward": _builder(_pool, "x", "kernel_size", "stride", "ties", "distinct"),
    "avg_pool2d_forward": _builder(_pool, "x", "kernel_size", "stride", "ties", "distinct"),
    "rnn_step_forward": _builder(_rnn_step, "N", "D", "H", "x", "h_prev", "Wx", "Wh", "b"),
    "rnn_forward": _builder(_rnn_sequence, "N", "T", "D", "H", "x", "h0", "Wx", "Wh", "b"),
    "lstm_gates": _builder(_lstm_gates, "N", "D", "H", "x", "h_prev", "Wx", "Wh", "b"),
    "lstm_step_forward": _builder(_lstm_step, "N", "D", "H", "x", "h_prev", "c_prev", "Wx", "Wh", "b"),
    "lstm_forward": _builder(lambda p, r: _rnn_sequence(p, r, gates=4), "N", "T", "D", "H", "x", "h0", "Wx", "Wh", "b"),
    "dropout_forward": _builder(_dropout, "x", "p", "train", "seed"),
    "batchnorm_forward": _builder(_batchnorm, "x", "train", "momentum", "eps", "gamma", "beta",
                                  "running_mean", "running_var"),
    "spatial_batchnorm_forward": _builder(_batchnorm, "x", "train", "momentum", "eps", "gamma", "beta",
                                          "running_mean", "running_var"),
    "residual_block_forward": _builder(_residual, "x", "F", "stride", "projection", "smooth",
                                       "W1", "b1", "W2", "b2", "Ws", "bs"),
}
"""The input builder of every forward function, keyed by its name."""

CASE_KEYS = frozenset({"label", "dout", "seeds"})
"""Keys any case may have: ``dout`` overrides the upstream gradient's shape (invalid backward
calls), ``seeds`` lists generator seeds for the properties that compare calls."""


def build_inputs(forward: str, params: dict, rng: np.random.Generator) -> list:
    """The positional arguments of ``forward`` for a case's ``params``, drawn from ``rng``."""
    known = {key: value for key, value in params.items() if key not in CASE_KEYS}
    return BUILDERS[forward].make(known, rng)
