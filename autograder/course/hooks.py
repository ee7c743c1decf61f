"""The plug-in hooks: how a course adds the few checks that need code rather than data.

Most of an exercise is data (its exercise file and rubric). What truly needs code (a random
layer's statistics, a draw kept away from a network's kinks) is a **plug-in**: a Python file of
the course, listed under ``plugins`` in its ``course.yaml`` and loaded in the trusted grader (never
in the sandboxed worker), that registers functions with these decorators::

    from autograder.course import hooks

    @hooks.property_check("dropout_statistics", case_keys=("seeds",))
    def dropout_statistics(ctx, case):          # -> autograder.judge.checks.compare.Verdict
        ...

    @hooks.acceptor("away_from_kinks")
    def away_from_kinks(args, course):          # -> bool: keep this draw of a case's inputs?
        ...

    @hooks.diagnoser("dropout_profiles")
    def diagnose(ctx, observe, function, args, douts, actual):   # -> Diagnosis or None
        ...

- a **property** is a check a rubric criterion names with ``kind: property``; it gets the check's
  context (:class:`autograder.judge.checks.context.Context`: the criterion, the function's spec,
  calls into the submission, the oracle) and the case, and returns a ``Verdict``; ``case_keys``
  are extra keys its rubric cases may use;
- an **acceptor** is named by a variant's ``accept`` in an exercise file: the case is redrawn until
  it returns True;
- a **diagnoser** replaces, for an exercise whose file names it under ``diagnoser``, the
  comparison with the catalogue's bugs on the same inputs (impossible for a random layer).

The engine's own generic properties (``inputs_unmodified``, ``raises_value_error``) are registered
the same way, in :mod:`autograder.judge.checks.properties`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class PropertyHook:
    """A registered property: its check and the extra case keys its rubric cases may use."""

    check: Callable
    case_keys: frozenset[str] = frozenset()


@dataclass
class Hooks:
    """What one course (or the engine) registered, by name."""

    properties: dict[str, PropertyHook] = field(default_factory=dict)
    acceptors: dict[str, Callable] = field(default_factory=dict)
    diagnosers: dict[str, Callable] = field(default_factory=dict)

    def merged(self, other: "Hooks") -> "Hooks":
        return Hooks({**self.properties, **other.properties}, {**self.acceptors, **other.acceptors},
                     {**self.diagnosers, **other.diagnosers})


ENGINE = Hooks()
"""The engine's own hooks (the generic properties)."""

_active: list[Hooks] = [ENGINE]


def property_check(name: str, case_keys: tuple[str, ...] = ()):
    """Register a property check ``check(ctx, case) -> Verdict`` under ``name``."""

    def register(check: Callable) -> Callable:
        _active[-1].properties[name] = PropertyHook(check, frozenset(case_keys))
        return check

    return register


def acceptor(name: str):
    """Register an acceptor ``accept(args, course) -> bool`` under ``name``."""

    def register(accept: Callable) -> Callable:
        _active[-1].acceptors[name] = accept
        return accept

    return register


def diagnoser(name: str):
    """Register a diagnoser ``diagnose(ctx, observe, function, args, douts, actual) -> Diagnosis | None``."""

    def register(diagnose: Callable) -> Callable:
        _active[-1].diagnosers[name] = diagnose
        return diagnose

    return register


@contextlib.contextmanager
def _registering_into(hooks: Hooks):
    _active.append(hooks)
    try:
        yield hooks
    finally:
        _active.pop()


class PluginError(RuntimeError):
    """A plug-in file that cannot be loaded."""


def load_plugins(paths: tuple[Path, ...]) -> Hooks:
    """Import the plug-in files ``paths`` (once per process each) and return what they registered.

    Raises
    ------
    PluginError
        When a file is missing or raises on import; the message names the file.
    """
    hooks = Hooks()
    for path in paths:
        hooks = hooks.merged(_load_plugin(Path(path).resolve()))
    return ENGINE.merged(hooks)


_loaded: dict[Path, Hooks] = {}
_modules: dict[Path, object] = {}


def plugin_module(path: Path):
    """The module of the plug-in file ``path``, loaded (and its hooks registered) once per process."""
    path = Path(path).resolve()
    _load_plugin(path)
    return _modules[path]


def _load_plugin(path: Path) -> Hooks:
    if path in _loaded:
        return _loaded[path]
    if not path.is_file():
        raise PluginError(f"{path}: plug-in file not found; expected a Python file listed under plugins in course.yaml")
    name = f"_autograder_plugin_{hashlib.sha256(str(path).encode()).hexdigest()[:10]}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with _registering_into(Hooks()) as hooks:
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            del sys.modules[name]
            raise PluginError(f"{path}: the plug-in raised {type(error).__name__} on import: {error}") from error
    _loaded[path], _modules[path] = hooks, module
    return hooks
