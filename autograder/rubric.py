"""Rubrics: YAML files that say what is graded, loaded and validated against a schema.

``rubrics/<exercise>.yaml`` lists criteria; each has a stable id, points, a description for
students, the function it checks, the kind of check, its public and hidden cases and a
tolerance. :func:`load_rubric` checks the file against ``schema/rubric.schema.json`` and then
against the course (the function exists in the exercise, case keys are ones its builder knows,
``requires`` names real criteria). Every problem is reported with the file, the key and what
was expected.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

if "jsonschema" not in sys.modules:
    # jsonschema checks the "iri" format with rfc3987_syntax when that is installed (nbgrader's
    # dependencies bring it), and importing it costs a second on every command. The rubric schema
    # uses no formats, so tell jsonschema it is absent.
    sys.modules.setdefault("rfc3987_syntax", None)
import jsonschema  # noqa: E402
import yaml  # noqa: E402

from autograder.cases import BUILDERS, CASE_KEYS
from autograder.course import EXERCISES, RUBRICS_DIR, layer_of

SCHEMA = json.loads((Path(__file__).parent / "schema" / "rubric.schema.json").read_text())
DEFAULT_TOLERANCE = {"forward": 1e-6, "backward": 1e-6, "gradcheck": 1e-5, "property": 1e-9}


class RubricError(ValueError):
    """A rubric that does not follow the schema or does not fit the course."""


@dataclass(frozen=True)
class Criterion:
    """One graded criterion of a rubric (see the schema for the meaning of each field)."""

    id: str
    points: float
    description: str
    kind: str
    function: str
    public: tuple = ()
    hidden: tuple = ()
    tolerance: float = 1e-6
    hint: str | None = None
    requires: tuple = ()
    outputs: tuple | None = None
    property_name: str | None = None
    directions: int | None = None
    step: float = 1e-6

    @property
    def layer(self):
        return layer_of(self.function)


@dataclass(frozen=True)
class Rubric:
    """The rubric of one exercise."""

    exercise: str
    version: int
    criteria: tuple
    path: Path = field(compare=False)


def load_yaml(text: str):
    """Parse YAML safely, with libyaml's parser where PyYAML has it (ten times faster)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_rubric(path: Path) -> Rubric:
    """Load and validate one rubric file.

    Raises
    ------
    RubricError
        With the file, the key and what was expected.
    """
    path = Path(path)
    try:
        data = load_yaml(path.read_text())
    except yaml.YAMLError as error:
        raise RubricError(f"{path}: not valid YAML: {error}") from None
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise RubricError("\n".join(f"{path}: {_where(e.absolute_path)}: {e.message}" for e in errors))
    rubric = Rubric(data["exercise"], data["version"], tuple(_criterion(c) for c in data["criteria"]), path)
    problems = _course_problems(rubric)
    if problems:
        raise RubricError("\n".join(f"{path}: {problem}" for problem in problems))
    return rubric


def load_rubrics(directory: Path = RUBRICS_DIR, exercises=EXERCISES) -> list[Rubric]:
    """The rubrics of ``exercises`` from ``directory``, in the course's order."""
    rubrics = []
    for exercise in exercises:
        path = Path(directory) / f"{exercise}.yaml"
        if not path.exists():
            raise RubricError(f"{path}: missing; every exercise of the course needs a rubric")
        rubric = load_rubric(path)
        if rubric.exercise != exercise:
            raise RubricError(f"{path}: exercise: expected {exercise!r} (the file's name), found {rubric.exercise!r}")
        rubrics.append(rubric)
    return rubrics


def rubrics_version(rubrics: list[Rubric]) -> str:
    """A short hash of the rubrics' contents: it changes whenever what is graded changes."""
    digest = hashlib.sha256()
    for rubric in rubrics:
        digest.update(rubric.path.read_bytes())
    return digest.hexdigest()[:16]


def _where(path) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "(top level)"


def _criterion(data: dict) -> Criterion:
    check = data.get("gradcheck", {})
    return Criterion(
        id=data["id"], points=float(data["points"]), description=data["description"].strip(),
        kind=data["kind"], function=data["function"],
        public=tuple(data["cases"].get("public", ())), hidden=tuple(data["cases"].get("hidden", ())),
        tolerance=float(data.get("tolerance", DEFAULT_TOLERANCE[data["kind"]])), hint=data.get("hint"),
        requires=tuple(data.get("requires", ())), outputs=tuple(data["outputs"]) if "outputs" in data else None,
        property_name=data.get("property"), directions=check.get("directions"), step=float(check.get("step", 1e-6)),
    )


def _course_problems(rubric: Rubric) -> list[str]:
    """What the schema cannot see: names that must exist in the course and in this rubric."""
    problems, ids = [], [c.id for c in rubric.criteria]
    for n, criterion in enumerate(rubric.criteria):
        problems += [f"{p} (criterion {criterion.id})" for p in _criterion_problems(n, criterion, rubric, ids)]
    return problems


def _criterion_problems(n: int, criterion: Criterion, rubric: Rubric, ids: list[str]) -> list[str]:
    """The problems of one criterion, each as "criteria[n].key: what was expected"."""
    problems = []
    where = f"criteria[{n}]"
    if not criterion.id.startswith(f"{rubric.exercise}."):
        problems.append(f"{where}.id: expected an id starting with '{rubric.exercise}.'")
    if ids.count(criterion.id) > 1:
        problems.append(f"{where}.id: used by more than one criterion; ids must be unique")
    try:
        layer = criterion.layer
    except KeyError as error:
        return problems + [f"{where}.function: {error.args[0]}"]
    if layer.exercise != rubric.exercise:
        problems.append(f"{where}.function: {criterion.function} belongs to exercise {layer.exercise!r}")
    if criterion.kind in ("backward", "gradcheck") and criterion.function != layer.backward:
        problems.append(f"{where}.function: a {criterion.kind} criterion names a backward function "
                        f"({layer.backward!r} for this layer), found {criterion.function!r}")
    if criterion.kind == "forward" and criterion.function != layer.forward:
        problems.append(f"{where}.function: a forward criterion names a forward function, found "
                        f"{criterion.function!r}")
    if (criterion.kind == "property") != (criterion.property_name is not None):
        problems.append(f"{where}.property: needed exactly when kind is 'property'")
    if criterion.outputs and not set(criterion.outputs) <= set(layer.outputs):
        problems.append(f"{where}.outputs: expected names among {list(layer.outputs)}, "
                        f"found {list(criterion.outputs)}")
    for missing in set(criterion.requires) - set(ids):
        problems.append(f"{where}.requires: no criterion {missing!r} in this rubric")
    allowed = BUILDERS[layer.forward].keys | CASE_KEYS
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
    earlier = set(ids[:n])
    for later in set(criterion.requires) & (set(ids) - earlier):
        problems.append(f"{where}.requires: {later!r} must come before this criterion in the rubric")
    return problems
