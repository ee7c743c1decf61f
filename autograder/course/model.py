"""The course as data: its exercises, how their functions are called, and its assignments.

A **course** is a folder (see CONTRIBUTING.md, "Adding an exercise")::

    course.yaml                  title, exercise order, assignments, forbidden imports, plug-ins,
                                 deadlines and the late policy (see :mod:`autograder.course.late`)
    reference/<exercise>.py      the reference solution, with solution markers for the stubs
    reference/<exercise>.yaml    the exercise file: its functions, how they are called and drawn
    rubrics/<exercise>.yaml      what is graded: criteria, points, public and hidden cases
    misconceptions/<exercise>.yaml, misconceptions/<exercise>/<bug>.py   the catalogue of classic bugs
    plugins/*.py                 trusted code for what data cannot say (see :mod:`autograder.course.hooks`)
    exercises/                   the stubs, generated from the reference

The project's own folder is the built-in course. ``--course DIR`` or the ``AUTOGRADER_COURSE``
environment variable points every command at another one. The engine reads only this model: it
knows no exercise by name.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import os
import re
import sys
import types
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from autograder.course.expressions import ExpressionError, evaluate, names
from autograder.course.inputs import InputSpec, InputSpecError, parse_inputs
from autograder.course.late import LateError, LatePolicy, parse_time
from autograder.course.yamlfile import YamlError, load_yaml_file, schema_problems

ENGINE_ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the grader's package: the project (or a student release of it)."""
RELEASE_COURSE = Path("autograder_data") / "course"
"""Where a student release keeps its course's data (exercise files, public rubrics, plug-ins)."""
BUILTIN_ROOT = ENGINE_ROOT / RELEASE_COURSE if (ENGINE_ROOT / RELEASE_COURSE / "course.yaml").is_file() else ENGINE_ROOT
"""The built-in course: the project's folder (in a student release, its recorded course data)."""
COURSE_ENV = "AUTOGRADER_COURSE"
"""Environment variable: the folder of the course to grade, when ``--course`` is not given."""
ALL = "all"
"""The assignment every course has: all its exercises."""
ENGINE_FORBIDDEN = ("reference", "autograder")
"""Packages no submission may import whatever the course says: the reference and the grader."""
DEFAULT_PATHS = {"reference": "reference", "rubrics": "rubrics", "misconceptions": "misconceptions",
                 "stubs": "exercises", "correct": "correct"}
DEFAULT_GOALS = {"misconceptions": 6, "correct_styles": 2}
"""Quality goals ``autograder validate`` reports per exercise: catalogued bugs, other correct modules."""

FunctionKind = Literal["layer", "function", "value_and_grad"]


class CourseError(ValueError):
    """A course folder, course file or exercise file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class FunctionSpec:
    """How one graded function (and its backward, for a layer) is called.

    Attributes
    ----------
    exercise : str
        The exercise (module) the function lives in.
    name : str
        The function's name (a layer's forward).
    args : tuple of str
        Its positional parameters, in order.
    outputs : tuple of str
        What it returns, in order, without the trailing cache.
    inputs : InputSpec
        How a case draws its arguments.
    cache : bool
        Whether it returns a cache as its last value (a layer's forward does).
    backward : str or None
        A layer's backward, called as ``backward(*douts, cache)``.
    upstream : tuple of str
        The outputs the backward receives an upstream gradient for, in the order it takes them.
    wrt : tuple of str
        The arguments whose gradients the backward (or a value-and-gradient function) returns, in order.
    gradient_names : tuple of str
        The names of those gradients in reports (``dx``, ``dw``, ``grads`` ...).
    backward_when : str or None
        An expression of the value arguments (``train``) saying when a cache may go to the backward.
    gradient_of : str or None
        For a value-and-gradient function (a loss): the output its gradient outputs are the gradient of.
    exact : bool
        Outputs are compared exactly (integers, shapes), not within a tolerance.
    """

    exercise: str
    name: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]
    inputs: InputSpec = field(compare=False)
    cache: bool = True
    backward: str | None = None
    upstream: tuple[str, ...] = ()
    wrt: tuple[str, ...] = ()
    gradient_names: tuple[str, ...] = ()
    backward_when: str | None = None
    gradient_of: str | None = None
    exact: bool = False

    @property
    def kind(self) -> FunctionKind:
        """``layer`` (forward and backward), ``value_and_grad`` (returns its own gradient) or ``function``."""
        if self.backward:
            return "layer"
        return "value_and_grad" if self.gradient_of else "function"

    @property
    def random(self) -> bool:
        """Whether the function draws from a generator, so its output is not one fixed value."""
        return self.inputs.random

    @property
    def upstream_names(self) -> tuple[str, ...]:
        """Names of the backward's upstream gradients: ``dout``, ``dh_next`` ..."""
        return tuple(f"d{name}" for name in self.upstream)

    @property
    def gradient_outputs(self) -> tuple[str, ...]:
        """For a value-and-gradient function, its outputs that are gradients, in ``wrt``'s order."""
        return self.gradient_names if self.kind == "value_and_grad" else ()

    def split(self, returned) -> list:
        """The outputs in a (trusted) return value of the function, without its cache."""
        values = [returned] if len(self.outputs) + int(self.cache) == 1 else list(returned)
        return values[:len(self.outputs)]

    def backward_applies(self, args: list) -> bool:
        """Whether a forward called on ``args`` gives a cache the backward is defined for."""
        if not self.backward:
            return False
        if not self.backward_when:
            return True
        namespace = {name: value for name, value in zip(self.args, args) if not hasattr(value, "shape")}
        return bool(evaluate(self.backward_when, namespace))


@dataclass(frozen=True)
class Exercise:
    """One exercise of a course: a module of a submission and the functions graded in it."""

    name: str
    title: str
    functions: tuple[FunctionSpec, ...]
    uses: tuple[str, ...] = ()
    diagnoser: str | None = None
    features: tuple[tuple[str, str], ...] = ()
    path: Path | None = field(default=None, compare=False)

    def function(self, name: str) -> FunctionSpec | None:
        """The spec of the function (or backward) called ``name``, or None."""
        return next((spec for spec in self.functions if name in (spec.name, spec.backward)), None)

    @property
    def function_names(self) -> tuple[str, ...]:
        return tuple(n for spec in self.functions for n in (spec.name, spec.backward) if n)

    def case_features(self, spec: FunctionSpec, params: dict) -> tuple[str, ...]:
        """The labels of the exercise's ``features`` that hold for a case of ``spec`` with the rubric's ``params``.

        A feature is evaluated over what the case states (:meth:`InputSpec.stated`): the same for
        every student, so a hidden case's features carry none of its drawn values. A feature that
        cannot be evaluated for the case (it names something the function does not have, or an
        invalid case divides by a zero stride) does not hold. Being the same for every student, the
        labels are worked out once per case and remembered.
        """
        try:
            key = json.dumps(params, sort_keys=True)
        except (TypeError, ValueError):  # a value JSON cannot hold: worked out every time
            return _case_features(self, spec, params)
        return _remembered_features(self, spec, key)


@lru_cache(maxsize=4096)
def _remembered_features(exercise: Exercise, spec: FunctionSpec, params: str) -> tuple[str, ...]:
    return _case_features(exercise, spec, json.loads(params))


def _case_features(exercise: Exercise, spec: FunctionSpec, params: dict) -> tuple[str, ...]:
    namespace = spec.inputs.stated(params)
    held = []
    for label, expression in exercise.features:
        try:
            if evaluate(expression, namespace) is True:
                held.append(label)
        except (ExpressionError, ArithmeticError, TypeError, ValueError, IndexError, KeyError):
            continue
    return tuple(held)


@dataclass(frozen=True)
class Course:
    """A course: exercises in order, assignments, and where its files are.

    Build one with :func:`load_course`.
    """

    root: Path
    title: str
    exercises: tuple[Exercise, ...]
    assignments: dict = field(hash=False, compare=False)
    default_assignment: str = ALL
    forbidden_modules: tuple[str, ...] = ()
    plugin_paths: tuple[Path, ...] = ()
    paths: dict = field(default_factory=lambda: dict(DEFAULT_PATHS), hash=False, compare=False)
    goals: dict = field(default_factory=lambda: dict(DEFAULT_GOALS), hash=False, compare=False)
    deadlines: dict = field(default_factory=dict, hash=False, compare=False)
    """Each assignment's deadline (an aware datetime), for those that have one."""
    late_policy: LatePolicy = field(default_factory=LatePolicy, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The exercises' names, in course order."""
        return tuple(exercise.name for exercise in self.exercises)

    @property
    def reference_dir(self) -> Path:
        return self.root / self.paths["reference"]

    @property
    def rubrics_dir(self) -> Path:
        return self.root / self.paths["rubrics"]

    @property
    def catalogue_dir(self) -> Path:
        return self.root / self.paths["misconceptions"]

    @property
    def stubs_dir(self) -> Path:
        return self.root / self.paths["stubs"]

    @property
    def correct_dir(self) -> Path:
        """Other correct modules, ``<correct>/<exercise>/<style>.py``: proof that correct styles get full marks."""
        return self.root / self.paths["correct"]

    @property
    def forbidden(self) -> tuple[str, ...]:
        """Top-level packages a submission may not import: the course's list, the reference and the grader."""
        return tuple(dict.fromkeys((*self.forbidden_modules, *ENGINE_FORBIDDEN)))

    def exercise(self, name: str) -> Exercise:
        """The exercise called ``name``.

        Raises
        ------
        KeyError
            When the course has none; the message lists those it has.
        """
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(f"{name!r} is no exercise of the course {self.root}; its exercises: {', '.join(self.names)}")

    def function(self, name: str) -> FunctionSpec:
        """The spec of the function (forward, plain function or backward) called ``name``.

        Raises
        ------
        KeyError
            When no exercise of the course has it; the message lists the known functions.
        """
        for exercise in self.exercises:
            spec = exercise.function(name)
            if spec is not None:
                return spec
        known = sorted(n for exercise in self.exercises for n in exercise.function_names)
        raise KeyError(f"{name!r} is not a function of the course; known functions: {', '.join(known)}")

    def assignment(self, name: str | None = None) -> tuple[str, ...]:
        """The exercises of assignment ``name`` (default: the course's default assignment), in course order.

        Raises
        ------
        CourseError
            When the course has no such assignment; the message lists those it has.
        """
        name = name or self.default_assignment
        if name == ALL:
            return self.names
        if name not in self.assignments:
            known = ", ".join([*self.assignments, ALL])
            raise CourseError(f"no assignment {name!r} in the course {self.root}; its assignments: {known}")
        chosen = set(self.assignments[name])
        return tuple(e for e in self.names if e in chosen)

    def deadline(self, name: str | None = None):
        """The deadline of assignment ``name`` (default: the default assignment), or None when it has none."""
        return self.deadlines.get(name or self.default_assignment)

    @property
    def assignment_names(self) -> tuple[str, ...]:
        return (*self.assignments, ALL)

    def needs(self, exercise: str) -> tuple[str, ...]:
        """The exercises whose modules ``exercise``'s module imports, transitively, in course order."""
        found, todo = set(), [exercise]
        while todo:
            for used in self.exercise(todo.pop()).uses:
                if used not in found:
                    found.add(used)
                    todo.append(used)
        return tuple(e for e in self.names if e in found)

    def affected_by(self, exercise: str) -> tuple[str, ...]:
        """The exercise and those whose modules import it, in course order."""
        return tuple(e for e in self.names if e == exercise or exercise in self.needs(e))

    def reference(self, exercise: str) -> types.ModuleType:
        """The course's reference module of ``exercise``, imported in the trusted grader."""
        name = f"{self.reference_package}.{exercise}"
        return sys.modules.get(name) or importlib.import_module(name)

    @property
    def reference_package(self) -> str:
        """The name under which the course's reference folder is imported as a package."""
        folder = self.reference_dir
        if folder not in _packages:
            _packages[folder] = _reference_package(folder.resolve())
        return _packages[folder]

    @property
    def hooks(self):
        """What the course's plug-ins (and the engine) registered (see :mod:`autograder.course.hooks`).

        Looked up once per process and set of plug-in files: grading asks for them on every case.
        """
        if self.plugin_paths not in _hooks:
            from autograder.course.hooks import load_plugins
            import autograder.judge.checks.properties  # noqa: F401  (registers the engine's generic properties)

            _hooks[self.plugin_paths] = load_plugins(self.plugin_paths)
        return _hooks[self.plugin_paths]

    def catalogue(self, exercise: str):
        """The catalogued misconceptions of ``exercise``, in its file's order (none without a file)."""
        from autograder.course.catalogue import catalogue

        return catalogue(self, exercise)

    @property
    def version(self) -> str:
        """A short hash of everything that decides a grade: it changes whenever what is graded changes."""
        return _version(self)

    def grading_files(self) -> tuple[Path, ...]:
        """The files that decide a grade (those :attr:`version` hashes), whether or not they exist:
        course.yaml, the plug-ins, and per exercise its exercise file, reference, rubric and catalogue."""
        files = [self.root / "course.yaml", *self.plugin_paths]
        for name in self.names:
            files += [self.reference_dir / f"{name}.yaml", self.reference_dir / f"{name}.py",
                      self.rubrics_dir / f"{name}.yaml", self.catalogue_dir / f"{name}.yaml",
                      *sorted((self.catalogue_dir / name).glob("*.py"))]
        return tuple(files)


_packages: dict[Path, str] = {}
"""The package name of each course's reference folder (resolving a path on every case is not free)."""
_hooks: dict[tuple[Path, ...], object] = {}
"""The hooks of each set of plug-in files, once per process."""


# -- loading --------------------------------------------------------------------------------------


def course_root(root: Path | str | None = None) -> Path:
    """The folder of the course to use: ``root``, else ``$AUTOGRADER_COURSE``, else the built-in course."""
    chosen = root or os.environ.get(COURSE_ENV) or BUILTIN_ROOT
    return Path(chosen).expanduser().resolve()


def load_course(root: Path | str | None = None) -> Course:
    """Load and validate the course in ``root`` (see :func:`course_root` for the default).

    Raises
    ------
    CourseError
        With the file, the key and what was expected.
    """
    root = course_root(root)
    try:
        stamp = (root / "course.yaml").stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load_course(root, stamp)


@lru_cache(maxsize=16)
def _load_course(root: Path, stamp: int | None = None) -> Course:
    """The course in ``root``, loaded once per version of its course file (``stamp``, its modification time)."""
    path = root / "course.yaml"
    if not path.is_file():
        raise CourseError(f"{root}: no course.yaml; expected a course folder (see `autograder new-exercise NAME "
                          f"--course {root}` to start one)")
    data = _validated(path, "course")
    paths = {**DEFAULT_PATHS, **data.get("paths", {})}
    reference_dir = root / paths["reference"]
    exercises = tuple(load_exercise(reference_dir / f"{name}.yaml", name) for name in data["exercises"])
    assignments = {name: tuple(members) for name, members in (data.get("assignments") or {}).items()}
    course = Course(root, data.get("title", root.name), exercises, assignments,
                    data.get("default_assignment") or next(iter(assignments), ALL),
                    tuple(data.get("forbidden_modules", ())),
                    tuple(root / plugin for plugin in data.get("plugins", ())), paths,
                    {**DEFAULT_GOALS, **data.get("goals", {})}, late_policy=LatePolicy.from_course(data.get("late_policy")))
    problems = _course_problems(course, data)
    for name, value in (data.get("deadlines") or {}).items():
        try:
            course.deadlines[name] = parse_time(value, f"deadlines.{name}")
        except LateError as error:
            problems.append(str(error))
    if problems:
        raise CourseError("\n".join(f"{path}: {problem}" for problem in problems))
    return course


def _validated(path: Path, schema: str) -> dict:
    try:
        data = load_yaml_file(path)
    except YamlError as error:
        raise CourseError(str(error)) from None
    problems = schema_problems(data, schema)
    if problems:
        raise CourseError("\n".join(f"{path}: {problem}" for problem in problems))
    return data


def _course_problems(course: Course, data: dict) -> list[str]:
    problems, names_ = [], list(course.names)
    problems += [f"exercises: {name!r} is listed twice" for name in sorted({n for n in names_ if names_.count(n) > 1})]
    if ALL in course.assignments:
        problems.append(f"assignments.{ALL}: reserved; every course has it (all its exercises)")
    for name, members in course.assignments.items():
        problems += [f"assignments.{name}: {m!r} is no exercise of the course; expected among {names_}"
                     for m in members if m not in names_]
    problems += [f"deadlines.{name}: {name!r} is no assignment; expected one of {list(course.assignment_names)}"
                 for name in (data.get("deadlines") or {}) if name not in course.assignment_names]
    if course.default_assignment not in course.assignment_names:
        problems.append(f"default_assignment: {course.default_assignment!r} is no assignment; expected one of "
                        f"{list(course.assignment_names)}")
    for exercise in course.exercises:
        problems += [f"{exercise.path.name}: uses: {used!r} is no exercise of the course"
                     for used in exercise.uses if used not in names_]
    functions = [n for exercise in course.exercises for n in exercise.function_names]
    problems += [f"the function {name!r} is defined by more than one exercise"
                 for name in sorted({n for n in functions if functions.count(n) > 1})]
    return problems


def load_exercise(path: Path, name: str) -> Exercise:
    """Load and validate one exercise file.

    Raises
    ------
    CourseError
        When the file is missing or malformed; the message names the file and the key.
    """
    if not path.is_file():
        raise CourseError(f"{path}: missing; every exercise of course.yaml needs its exercise file beside its "
                          f"reference module (run `autograder new-exercise {name}` for a skeleton)")
    data = _validated(path, "exercise")
    if data["exercise"] != name:
        raise CourseError(f"{path}: exercise: expected {name!r} (the file's name), found {data['exercise']!r}")
    try:
        functions = tuple(_function(name, fn, spec, f"functions.{fn}") for fn, spec in data["functions"].items())
        features = tuple((str(label), str(expr)) for label, expr in (data.get("features") or {}).items())
        for label, expr in features:
            names(expr)
    except (InputSpecError, ExpressionError, CourseError) as error:
        raise CourseError(f"{path}: {error}") from None
    return Exercise(name, data.get("title", name), functions, tuple(data.get("uses", ())), data.get("diagnoser"),
                    features, path)


def _function(exercise: str, name: str, data: dict, where: str) -> FunctionSpec:
    args, outputs = tuple(data["args"]), tuple(data["returns"])
    gradients = dict(data.get("gradients") or {})
    backward, gradient_of = data.get("backward"), data.get("gradient_of")
    upstream = tuple(data.get("upstream", outputs[:1] if backward else ()))
    problems = []
    if backward and gradient_of:
        problems.append("backward and gradient_of: a function has a backward or returns its own gradient, not both")
    if (backward or gradient_of) and not gradients:
        problems.append("gradients: expected the gradients returned, as {name: argument}, e.g. {dx: x}")
    if gradients and not (backward or gradient_of):
        problems.append("gradients: only for a function with a backward or a gradient_of")
    problems += [f"gradients.{g}: {a!r} is no argument; expected among {list(args)}"
                 for g, a in gradients.items() if a not in args]
    problems += [f"upstream: {u!r} is no output; expected among {list(outputs)}" for u in upstream if u not in outputs]
    if gradient_of:
        if gradient_of not in outputs:
            problems.append(f"gradient_of: {gradient_of!r} is no output; expected among {list(outputs)}")
        problems += [f"gradients.{g}: a value-and-gradient function returns its gradients, so {g!r} must be one of "
                     f"its returns {list(outputs)}" for g in gradients if g not in outputs]
    if problems:
        raise CourseError("; ".join(f"{where}.{p}" for p in problems))
    inputs = parse_inputs(data.get("inputs"), args, f"{where}.inputs")
    return FunctionSpec(exercise, name, args, outputs, inputs, cache=data.get("cache", bool(backward)),
                        backward=backward, upstream=upstream if backward else (), wrt=tuple(gradients.values()),
                        gradient_names=tuple(gradients), backward_when=data.get("backward_when"),
                        gradient_of=gradient_of, exact=data.get("exact", False))


# -- reference modules and version ------------------------------------------------------------------


@lru_cache(maxsize=None)
def _reference_package(folder: Path) -> str:
    """Register ``folder`` as a package with a name of its own, so a course's reference modules import
    each other relatively (``from .conv import ...``) whatever else is called ``reference``."""
    name = "_course_reference_" + hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    package = types.ModuleType(name)
    package.__path__ = [str(folder)]
    package.__package__ = name
    package.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    package.__spec__.submodule_search_locations = [str(folder)]
    sys.modules[name] = package
    return name


LATE_KEYS = ("deadlines", "late_policy")
"""Keys of ``course.yaml`` that change no grade: a batch applies them to its reports again without regrading."""


def _version(course: Course) -> str:
    digest = hashlib.sha256()
    graded = {k: v for k, v in (load_yaml_file(course.root / "course.yaml") or {}).items() if k not in LATE_KEYS}
    digest.update(repr(sorted(graded.items())).encode() + b"\0")
    for file in course.grading_files()[1:]:  # course.yaml's grading keys are hashed above
        digest.update(str(file.relative_to(course.root)).encode() + b"\0")
        digest.update(file.read_bytes() if file.is_file() else b"(absent)")
    return digest.hexdigest()[:16]


def identifier_problems(value: str) -> str | None:
    """Why ``value`` cannot name an exercise (a Python module name in lower case), or None."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        return f"{value!r}: expected a lower-case Python name (letters, digits, underscores), such as affine or layer_norm"
    return None


__all__ = ["ALL", "BUILTIN_ROOT", "COURSE_ENV", "Course", "CourseError", "Exercise", "FunctionSpec", "load_course",
           "load_exercise"]
