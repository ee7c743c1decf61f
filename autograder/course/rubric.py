"""Rubrics: YAML files that say what is graded, loaded and validated against a schema and the course.

``rubrics/<exercise>.yaml`` lists criteria; each has a stable id, points, a description for
students, the function it checks, the kind of check, its public and hidden cases and a
tolerance. :func:`load_rubric` checks the file against ``schema/rubric.schema.json`` and then
against the course (the function exists in the exercise and fits the kind of check, case keys are
ones its exercise file knows, ``requires`` names earlier criteria, properties are registered).
Every problem is reported with the file, the key and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from autograder.course.model import Course, FunctionSpec, load_course
from autograder.course.yamlfile import YamlError, load_yaml_file, schema_problems

CheckKind = Literal["forward", "backward", "gradcheck", "property"]
DEFAULT_TOLERANCE = {"forward": 1e-6, "backward": 1e-6, "gradcheck": 1e-5, "property": 1e-9}
CASE_KEYS = frozenset({"label", "dout"})
"""Keys any case may have: ``dout`` overrides the upstream gradient's shape (invalid backward calls)."""


class RubricError(ValueError):
    """A rubric that does not follow the schema or does not fit the course."""


@dataclass(frozen=True)
class Criterion:
    """One graded criterion of a rubric (see the schema for the meaning of each field).

    ``spec`` is the course's description of the function the criterion checks.
    """

    id: str
    points: float
    description: str
    kind: CheckKind
    function: str
    spec: FunctionSpec = field(compare=False)
    public: tuple = ()
    hidden: tuple = ()
    tolerance: float = 1e-6
    hint: str | None = None
    requires: tuple = ()
    outputs: tuple | None = None
    property_name: str | None = None
    directions: int | None = None
    step: float = 1e-6


@dataclass(frozen=True)
class Rubric:
    """The rubric of one exercise."""

    exercise: str
    version: int
    criteria: tuple
    path: Path = field(compare=False)


def load_rubric(path: Path, course: Course | None = None) -> Rubric:
    """Load and validate one rubric file against ``course`` (default: :func:`~autograder.course.model.load_course`).

    Raises
    ------
    RubricError
        With the file, the key and what was expected.
    """
    path, course = Path(path), course or load_course()
    try:
        data = load_yaml_file(path)
    except YamlError as error:
        raise RubricError(str(error)) from None
    problems = schema_problems(data, "rubric")
    if problems:
        raise RubricError("\n".join(f"{path}: {problem}" for problem in problems))
    if data["exercise"] not in course.names:
        raise RubricError(f"{path}: exercise: {data['exercise']!r} is no exercise of the course; expected one of "
                          f"{list(course.names)}")
    exercise = course.exercise(data["exercise"])
    criteria, problems = [], []
    for n, entry in enumerate(data["criteria"]):
        spec = exercise.function(entry["function"])
        if spec is None:
            problems.append(f"criteria[{n}].function: {_elsewhere(course, entry['function'])}; expected one of "
                            f"exercise {exercise.name!r}'s functions {list(exercise.function_names)}")
            continue
        criteria.append(_criterion(entry, spec))
    rubric = Rubric(data["exercise"], data["version"], tuple(criteria), path)
    problems += [] if problems else _course_problems(rubric, course)
    if problems:
        raise RubricError("\n".join(f"{path}: {problem}" for problem in problems))
    return rubric


def load_rubrics(course: Course | None = None, exercises: tuple[str, ...] | None = None) -> list[Rubric]:
    """The rubrics of ``exercises`` (default: all the course's), in the course's order.

    ``course`` defaults to :func:`~autograder.course.model.load_course`.
    """
    course = course or load_course()
    rubrics = []
    for exercise in exercises if exercises is not None else course.names:
        path = course.rubrics_dir / f"{exercise}.yaml"
        if not path.exists():
            raise RubricError(f"{path}: missing; every exercise that is graded needs a rubric")
        rubric = load_rubric(path, course)
        if rubric.exercise != exercise:
            raise RubricError(f"{path}: exercise: expected {exercise!r} (the file's name), found {rubric.exercise!r}")
        rubrics.append(rubric)
    return rubrics


def _elsewhere(course: Course, function: str) -> str:
    """Where the course has ``function``, when the rubric's exercise does not."""
    try:
        return f"{function} belongs to exercise {course.function(function).exercise!r}"
    except KeyError as error:
        return error.args[0]


def _criterion(data: dict, spec: FunctionSpec) -> Criterion:
    check = data.get("gradcheck", {})
    return Criterion(
        id=data["id"], points=float(data["points"]), description=data["description"].strip(),
        kind=data["kind"], function=data["function"], spec=spec,
        public=tuple(data["cases"].get("public", ())), hidden=tuple(data["cases"].get("hidden", ())),
        tolerance=float(data.get("tolerance", DEFAULT_TOLERANCE[data["kind"]])), hint=data.get("hint"),
        requires=tuple(data.get("requires", ())), outputs=tuple(data["outputs"]) if "outputs" in data else None,
        property_name=data.get("property"), directions=check.get("directions"), step=float(check.get("step", 1e-6)),
    )


def _course_problems(rubric: Rubric, course: Course) -> list[str]:
    """What the schema cannot see: names that must exist in the course and in this rubric."""
    problems, ids = [], [c.id for c in rubric.criteria]
    properties = course.hooks.properties
    for n, criterion in enumerate(rubric.criteria):
        problems += [f"{p} (criterion {criterion.id})"
                     for p in _criterion_problems(n, criterion, rubric, ids, properties)]
    return problems


def _criterion_problems(n: int, criterion: Criterion, rubric: Rubric, ids: list[str], properties: dict) -> list[str]:
    """The problems of one criterion, each as "criteria[n].key: what was expected"."""
    problems, where, spec = [], f"criteria[{n}]", criterion.spec
    if not criterion.id.startswith(f"{rubric.exercise}."):
        problems.append(f"{where}.id: expected an id starting with '{rubric.exercise}.'")
    if ids.count(criterion.id) > 1:
        problems.append(f"{where}.id: used by more than one criterion; ids must be unique")
    problems += _kind_problems(where, criterion)
    if (criterion.kind == "property") != (criterion.property_name is not None):
        problems.append(f"{where}.property: needed exactly when kind is 'property'")
    if criterion.property_name is not None and criterion.property_name not in properties:
        problems.append(f"{where}.property: {criterion.property_name!r} is not registered; expected one of "
                        f"{sorted(properties)} (a course adds properties with a plug-in)")
    if criterion.outputs and not set(criterion.outputs) <= set(spec.outputs):
        problems.append(f"{where}.outputs: expected names among {list(spec.outputs)}, found {list(criterion.outputs)}")
    for missing in set(criterion.requires) - set(ids):
        problems.append(f"{where}.requires: no criterion {missing!r} in this rubric")
    extra = properties[criterion.property_name].case_keys if criterion.property_name in properties else frozenset()
    allowed = spec.inputs.case_keys | CASE_KEYS | extra
    for visibility in ("public", "hidden"):
        for k, case in enumerate(getattr(criterion, visibility)):
            unknown = sorted(set(case) - allowed)
            if unknown:
                problems.append(f"{where}.cases.{visibility}[{k}]: unknown key(s) {unknown}; "
                                f"expected keys among {sorted(allowed)}")
    if not criterion.public and not criterion.hidden:
        problems.append(f"{where}.cases: expected at least one public or hidden case")
    by_id = {c.id: c for c in rubric.criteria}
    for required in criterion.requires:
        if criterion.public and required in by_id and not by_id[required].public:
            problems.append(f"{where}.requires: {required!r} has no public cases, so it cannot gate this "
                            f"criterion's public cases; give it a public case")
    for later in set(criterion.requires) & (set(ids) - set(ids[:n])):
        problems.append(f"{where}.requires: {later!r} must come before this criterion in the rubric")
    return problems


def _kind_problems(where: str, criterion: Criterion) -> list[str]:
    """Whether the criterion's function fits its kind of check."""
    spec, kind, function = criterion.spec, criterion.kind, criterion.function
    if kind == "forward" and function != spec.name:
        return [f"{where}.function: a forward criterion names the function itself ({spec.name!r}), "
                f"found {function!r}"]
    if kind == "backward" and (spec.kind != "layer" or function != spec.backward):
        return [f"{where}.function: a backward criterion names a layer's backward function "
                f"({spec.backward!r} for {spec.name}), found {function!r}" if spec.backward else
                f"{where}.kind: {spec.name} has no backward, so it cannot have a backward criterion"]
    if kind == "gradcheck":
        expected = spec.backward if spec.kind == "layer" else spec.name if spec.kind == "value_and_grad" else None
        if expected is None:
            return [f"{where}.kind: {spec.name} has neither a backward nor gradients of its own to check"]
        if function != expected:
            return [f"{where}.function: a gradcheck criterion of {spec.name} names {expected!r}, found {function!r}"]
        if spec.random:
            return [f"{where}.kind: {spec.name} is random, so central differences of it mean nothing"]
    return []
