"""How a case's inputs are drawn: the declarative ``inputs`` of a function in an exercise file.

A function's ``inputs`` name a few **sizes** and say how each argument is made::

    inputs:
      sizes: {N: 2, C: 3, H: 5, W: 5, F: 4, KH: 3, KW: 3}
      x: {shape: [N, C, H, W]}                       # standard normal by default
      w: {shape: [F, C, KH, KW], scale: fan_in}      # times 1/sqrt(C*KH*KW)
      b: {shape: [F]}
      stride: 1                                      # a plain value
      pad: 0
      variants:
        ties: {x: {integers: [0, 3], dtype: float64}}

A rubric case then writes only what it changes: a size (``F: 8``), a value (``stride: 2``), a
shape (``x: [2, 3, 7, 7]``, which also binds N, C, H and W for the other arguments), a changed
draw (``x: {scale: 10}``) or a variant (``ties: true``). Every value a case draws comes from the
case's own generator, so public cases are the same for everyone and hidden ones differ per student.

Arguments
    ``{shape: [...]}`` an array, drawn as ``normal`` (the default: ``scale`` times a standard
    normal, plus ``offset``), ``uniform: [low, high]``, ``integers: [low, high]`` (``low <= n <
    high``, int64 unless ``dtype`` says otherwise) or ``distinct: true`` (all values different,
    0.1 apart, so no two tie), or given as ``values: [[...]]``; options ``scale`` (a number, an
    expression of the sizes, or ``fan_in`` for ``1/sqrt(prod(shape[1:]))``), ``offset``,
    ``channel_shift`` (a random shift per index of axis 1, times this), ``min_abs`` (values kept at
    least this far from zero: away from a ReLU's kink), ``nonzero: true``.
    ``{dict: {key: array, ...}}`` a dict of arrays; an entry with ``when: <expression>`` is there
    only when the expression holds (or a case gives the entry's shape).
    ``{list: [shape, ...]}`` a list of arrays, with the array options above for all of them.
    ``{generator: true}`` a ``numpy.random.Generator``; a case gives its seed (``rng: 7``), or
    ``null`` for ``rng=None``; by default the seed is drawn.
    anything else is a plain value: a number, ``true``/``false``, a list (passed as a tuple;
    ``as: list`` or ``as: list_of_tuples`` says otherwise), a string (an expression of the sizes:
    ``"(C, H, W)"``; ``{text: ...}`` for a literal string), ``{integers: [low, high]}``,
    ``{uniform: [low, high]}`` or ``{choice: [...]}`` for a drawn one, ``{optional: true}`` for an
    argument passed only when the case gives it (it must come last).

Sizes are numbers, expressions of earlier sizes (``F: C``) or drawn (``H: {integers: [5, 12]}``).
A variant is a case flag: its overrides apply when a case sets it, and ``accept: <name>`` redraws
the case until the course's acceptor of that name (a plug-in, see :mod:`autograder.course.hooks`)
accepts the inputs, as a residual block's draw kept away from its ReLU kinks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import numpy as np

from autograder.course.expressions import ExpressionError, evaluate, names
from autograder.values import RngSeed

ArgKind = Literal["array", "dict", "list", "generator", "value"]
ARRAY_DRAWS = ("normal", "uniform", "integers", "distinct", "values")
ARRAY_KEYS = frozenset({"shape", "scale", "offset", "uniform", "integers", "distinct", "values", "dtype",
                        "channel_shift", "min_abs", "nonzero", "when"})
VALUE_DRAWS = ("integers", "uniform", "choice")
MAX_ACCEPT_TRIES = 200


class InputSpecError(ValueError):
    """An ``inputs`` section, or a case's keys, that cannot describe arguments."""


@dataclass(frozen=True)
class Argument:
    """How one positional argument is made.

    Attributes
    ----------
    name : str
    kind : {"array", "dict", "list", "generator", "value"}
    spec : Any
        The argument's entry in the exercise file (for a value: the value itself).
    """

    name: str
    kind: ArgKind
    spec: Any

    @property
    def leaves(self) -> tuple[str, ...]:
        """The names a case may give a shape for: the argument, or the entries of its dict."""
        return tuple(self.spec["dict"]) if self.kind == "dict" else (self.name,)


@dataclass(frozen=True)
class InputSpec:
    """The ``inputs`` of one function: its sizes, how each argument is made, and its variants."""

    arguments: tuple[Argument, ...]
    sizes: dict = field(default_factory=dict, hash=False)
    variants: dict = field(default_factory=dict, hash=False)

    @property
    def case_keys(self) -> frozenset[str]:
        """Every key a rubric case of this function may use (besides ``label``)."""
        leaves = {leaf for argument in self.arguments for leaf in argument.leaves}
        return frozenset(self.sizes) | {a.name for a in self.arguments} | leaves | set(self.variants)

    @property
    def random(self) -> bool:
        """Whether the function draws from a generator argument, so that its output is not one fixed value."""
        return any(argument.kind == "generator" for argument in self.arguments)

    def acceptors(self, params: dict) -> list[str]:
        """The acceptors that the case's variants ask for."""
        return [self.variants[name]["accept"] for name in self.variants
                if params.get(name) and "accept" in self.variants[name]]

    def draw(self, params: dict, rng: np.random.Generator,
             accept: Callable[[str, list], bool] | None = None) -> list:
        """The positional arguments for a case's ``params``, drawn from ``rng``.

        Parameters
        ----------
        params : dict
            The case's keys (without ``label``).
        rng : numpy.random.Generator
        accept : callable, optional
            ``accept(name, args)``: the course's acceptor ``name`` on drawn arguments, for the
            variants that ask for one.

        Raises
        ------
        InputSpecError
            When the case does not fit the spec, or no draw is accepted in 200 tries.
        """
        acceptors = self.acceptors(params)
        for _ in range(MAX_ACCEPT_TRIES if acceptors else 1):
            args = self._draw_once(params, rng)
            if all(accept(name, args) for name in acceptors):
                return args
        raise InputSpecError(f"no draw of {MAX_ACCEPT_TRIES} was accepted by {', '.join(acceptors)}")

    def _draw_once(self, params: dict, rng: np.random.Generator) -> list:
        flags = {name: bool(params.get(name)) for name in self.variants}
        arguments = [self._effective(argument, params, flags) for argument in self.arguments]
        sizes = self._sizes(arguments, params, rng)
        namespace = {**sizes, **flags, **{k: v for k, v in params.items() if k not in sizes and k not in flags}}
        args = []
        for argument, given in arguments:
            if argument.kind == "value" and _is_optional(argument.spec) and given is _ABSENT:
                break
            args.append(_make(argument, given, params, sizes, namespace, rng))
        return args

    def _effective(self, argument: Argument, params: dict, flags: dict) -> tuple[Argument, Any]:
        """The argument with the case's variants applied, and what the case gives for it (or _ABSENT)."""
        spec = argument.spec
        for name, on in flags.items():
            override = self.variants[name].get(argument.name)
            if on and override is not None:
                spec = _merged(argument, spec, override)
        given = params.get(argument.name, _ABSENT)
        if isinstance(given, dict) and argument.kind != "value":
            spec, given = _merged(argument, spec, given), _ABSENT
        return Argument(argument.name, argument.kind, spec), given

    def stated(self, params: dict) -> dict:
        """What a case states without drawing anything: the namespace a case's features are evaluated in.

        It holds the sizes, the plain values (an optional one the case leaves out is None), the
        variant flags and every array's shape (as a tuple, under the argument's name or its dict
        entry's key; an entry absent from the case is None), as far as they follow from the
        exercise file and the case's keys alone. A drawn size or value, and what depends on one, is
        left out: the namespace is the same for every student, so it never carries a hidden case's values.
        """
        flags = {name: bool(params.get(name)) for name in self.variants}
        arguments = [self._effective(argument, params, flags) for argument in self.arguments]
        fixed = self._fixed_sizes(arguments, params)
        sizes: dict = {}
        for name in self.sizes:
            value = _stated(fixed[name], sizes)
            if value is not _ABSENT:
                sizes[name] = value
        values: dict = {**sizes, **flags}
        array_shapes: dict = {}
        for argument, given in arguments:
            if argument.kind == "array":
                array_shapes[argument.name] = _stated_shape(given if isinstance(given, list) else argument.spec["shape"], sizes)
            elif argument.kind == "dict":
                for key, entry in argument.spec["dict"].items():
                    shown = params.get(key, _ABSENT)
                    present = shown is not _ABSENT or "when" not in entry or _stated(entry["when"], values) is True
                    array_shapes[key] = _stated_shape(shown if isinstance(shown, list) else entry["shape"], sizes) \
                        if present else None
            elif argument.kind == "value":
                if _is_optional(argument.spec) and given is _ABSENT:
                    values[argument.name] = None
                    continue
                value = argument.spec if given is _ABSENT else given
                if isinstance(value, dict) and "value" in value:
                    value = value["value"]
                value = _stated(value, values)
                if value is not _ABSENT:
                    values[argument.name] = _converted(value, "tuple")
        return {**{k: v for k, v in array_shapes.items() if v is not _ABSENT}, **values}

    def _sizes(self, arguments: list, params: dict, rng: np.random.Generator) -> dict:
        """Every size, fixed as :meth:`_fixed_sizes` says, then drawn or evaluated in the order of ``sizes``."""
        fixed = self._fixed_sizes(arguments, params)
        sizes: dict = {}
        for name in self.sizes:
            sizes[name] = _scalar(fixed[name], sizes, rng, f"size {name}")
        return sizes

    def _fixed_sizes(self, arguments: list, params: dict) -> dict:
        """Every size's value or recipe, fixed in argument order: a size the case gives, else one an argument's
        given shape binds (for the arguments after it, so an invalid shape never changes an earlier argument),
        else its default when an argument first needs it."""
        fixed = {name: params[name] for name in self.sizes if name in params}

        def fix(name: str) -> None:
            if name in fixed or name not in self.sizes:
                return
            default = self.sizes[name]
            for needed in _names_in(default):
                fix(needed)
            fixed[name] = default

        for argument, _ in arguments:
            for leaf, pattern in _shape_patterns(argument):
                given = params.get(leaf)
                if isinstance(given, list) and len(given) == len(pattern):
                    for symbol, value in zip(pattern, given):
                        if isinstance(symbol, str) and symbol in self.sizes and symbol not in fixed:
                            fixed[symbol] = value
                for dim in pattern:
                    for needed in _names_in(dim):
                        fix(needed)
        for name in self.sizes:
            fix(name)
        return fixed


def _names_in(value) -> set[str]:
    """The names an expression (a size's default, a shape's entry) refers to; none for a number or a draw."""
    return names(value) if isinstance(value, str) else set()


_ABSENT = object()


def _is_optional(spec) -> bool:
    return isinstance(spec, dict) and spec.get("optional") is True


def _merged(argument: Argument, spec, override: dict):
    """``spec`` with a variant's or a case's ``override`` applied (for a dict: per entry)."""
    if argument.kind == "dict":
        entries = dict(spec["dict"])
        for key, value in override.items():
            entries[key] = {**entries.get(key, {}), **value} if isinstance(value, dict) else value
        return {**spec, "dict": entries}
    if isinstance(spec, dict):
        kept = {k: v for k, v in spec.items() if not (k in ARRAY_DRAWS and any(d in override for d in ARRAY_DRAWS))}
        return {**kept, **override}
    return override


def _shape_patterns(argument: Argument):
    """(leaf name, declared shape) of the argument's arrays."""
    if argument.kind == "array":
        yield argument.name, argument.spec["shape"]
    elif argument.kind == "dict":
        for key, entry in argument.spec["dict"].items():
            yield key, entry["shape"]


def _scalar(value, namespace: dict, rng: np.random.Generator, what: str):
    """A size or value: a number, an expression of ``namespace``, or a draw (integers, uniform, choice)."""
    if isinstance(value, str):
        return evaluate(value, namespace)
    if isinstance(value, dict):
        if "integers" in value:
            low, high = (_scalar(v, namespace, rng, what) for v in value["integers"])
            return int(rng.integers(low, high))
        if "uniform" in value:
            low, high = (_scalar(v, namespace, rng, what) for v in value["uniform"])
            return float(rng.uniform(low, high))
        if "choice" in value:
            options = value["choice"]
            return options[int(rng.integers(len(options)))]
        if "text" in value:
            return str(value["text"])
        raise InputSpecError(f"{what}: expected a number, an expression or one of integers, uniform, choice, "
                             f"text; found {sorted(value)}")
    return value


def _stated(value, namespace: dict):
    """A size or value as far as it is stated: a number, or an expression of ``namespace``; _ABSENT for a draw
    or an expression of something not stated."""
    if isinstance(value, str):
        try:
            return evaluate(value, namespace)
        except (ExpressionError, ArithmeticError, TypeError, ValueError, IndexError, KeyError):
            return _ABSENT
    if isinstance(value, dict):
        return str(value["text"]) if "text" in value else _ABSENT
    return value


def _stated_shape(pattern, sizes: dict):
    """A shape as a tuple of ints, or _ABSENT when one of its dimensions is not stated."""
    dims = [_stated(dim, sizes) for dim in pattern]
    return _ABSENT if any(d is _ABSENT or isinstance(d, bool) or not isinstance(d, int) for d in dims) \
        else tuple(dims)


def _make(argument: Argument, given, params: dict, sizes: dict, namespace: dict, rng: np.random.Generator):
    """One positional argument."""
    spec = argument.spec
    if argument.kind == "array":
        return _array(argument.name, spec, given, sizes, namespace, rng)
    if argument.kind == "dict":
        entries = {}
        for key, entry in spec["dict"].items():
            shown = params.get(key, _ABSENT)
            if "when" in entry and shown is _ABSENT and not evaluate(entry["when"], namespace):
                continue
            entries[key] = _array(key, entry, shown, sizes, namespace, rng)
        return entries
    if argument.kind == "list":
        listed = given if given is not _ABSENT else spec["list"]
        options = {k: v for k, v in spec.items() if k != "list"}
        return [_array(f"{argument.name}[{k}]", {**options, "shape": shape}, _ABSENT, sizes, namespace, rng)
                for k, shape in enumerate(listed)]
    if argument.kind == "generator":
        if given is _ABSENT:
            return RngSeed(int(rng.integers(2**31)))
        return None if given is None else RngSeed(int(given))
    value = spec if given is _ABSENT else given
    convert = spec.get("as", "tuple") if isinstance(spec, dict) else "tuple"
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return _converted(_scalar(value, namespace, rng, argument.name), convert)


def _converted(value, convert: str):
    """A plain value from YAML, with lists as the function expects them (YAML has no tuples)."""
    if convert == "list" or not isinstance(value, list):
        return value
    if convert == "list_of_tuples":
        return [tuple(item) if isinstance(item, list) else item for item in value]
    return tuple(_converted(item, "tuple") for item in value)


def _array(name: str, spec: dict, given, sizes: dict, namespace: dict, rng: np.random.Generator) -> np.ndarray:
    """One array, drawn as ``spec`` says, with the shape the case gives (a list) or the declared one."""
    if "values" in spec:
        return np.array(spec["values"], dtype=spec.get("dtype", "float64"))
    pattern = given if isinstance(given, list) else spec["shape"]
    try:
        shape = tuple(int(_scalar(dim, sizes, rng, f"{name}'s shape")) for dim in pattern)
    except (ExpressionError, TypeError) as error:
        raise InputSpecError(f"{name}: cannot make the shape {pattern}: {error}") from None
    if "integers" in spec:
        low, high = (_scalar(v, namespace, rng, name) for v in spec["integers"])
        values = rng.integers(low, high, size=shape).astype(spec.get("dtype", "int64"))
    elif "uniform" in spec:
        low, high = (_scalar(v, namespace, rng, name) for v in spec["uniform"])
        values = rng.uniform(low, high, shape)
    elif spec.get("distinct"):
        count = math.prod(shape)
        values = (rng.permutation(count).reshape(shape) - count / 2) / 10.0
    else:
        values = rng.standard_normal(shape) * _scale(spec.get("scale", 1.0), shape, namespace)
    values = np.asarray(values, dtype=spec.get("dtype", values.dtype))
    if spec.get("channel_shift") and values.ndim >= 2:
        shift = rng.standard_normal(values.shape[1]) * float(spec["channel_shift"])
        values = values + shift.reshape((1, -1) + (1,) * (values.ndim - 2))
    if "offset" in spec:
        values = values + float(_scalar(spec["offset"], namespace, rng, name))
    if spec.get("min_abs"):
        margin = float(spec["min_abs"])
        values = np.where(values < 0, values - margin, values + margin)
    if spec.get("nonzero"):
        values[values == 0] = 1
    return values


def _scale(scale, shape: tuple, namespace: dict) -> float:
    if scale == "fan_in":
        return 1.0 / math.sqrt(max(math.prod(shape[1:]), 1))
    return float(evaluate(scale, namespace) if isinstance(scale, str) else scale)


def parse_inputs(data: dict, args: tuple[str, ...], where: str) -> InputSpec:
    """The :class:`InputSpec` of a function's ``inputs`` section.

    Raises
    ------
    InputSpecError
        With ``where`` and what was expected, when an argument has no entry or an entry has no known form.
    """
    data = dict(data or {})
    sizes = dict(data.pop("sizes", {}) or {})
    variants = dict(data.pop("variants", {}) or {})
    missing = [name for name in args if name not in data]
    extra = [name for name in data if name not in args]
    if missing or extra:
        raise InputSpecError(f"{where}: expected an entry for every argument {list(args)}"
                             + (f"; missing {missing}" if missing else "") + (f"; unknown {extra}" if extra else ""))
    arguments = tuple(Argument(name, _kind(data[name], f"{where}.{name}"), data[name]) for name in args)
    optional = [a.name for a in arguments if a.kind == "value" and _is_optional(a.spec)]
    if optional and [a.name for a in arguments[-len(optional):]] != optional:
        raise InputSpecError(f"{where}: optional arguments ({', '.join(optional)}) must come last")
    for name, variant in variants.items():
        if not isinstance(variant, dict):
            raise InputSpecError(f"{where}.variants.{name}: expected a mapping of argument overrides "
                                 f"(and optionally accept: <acceptor>), found {variant!r}")
        unknown = set(variant) - set(args) - {"accept"}
        if unknown:
            raise InputSpecError(f"{where}.variants.{name}: {sorted(unknown)} are no arguments; expected among {list(args)}")
    return InputSpec(arguments, sizes, variants)


def _kind(spec, where: str) -> ArgKind:
    if isinstance(spec, dict):
        if "shape" in spec or "values" in spec:
            unknown = set(spec) - ARRAY_KEYS
            if unknown:
                raise InputSpecError(f"{where}: unknown key(s) {sorted(unknown)}; expected among {sorted(ARRAY_KEYS)}")
            return "array"
        if "dict" in spec:
            for key, entry in spec["dict"].items():
                if not isinstance(entry, dict) or "shape" not in entry:
                    raise InputSpecError(f"{where}.dict.{key}: expected an array entry with a shape")
            return "dict"
        if "list" in spec:
            return "list"
        if spec.get("generator") is True:
            return "generator"
    return "value"
