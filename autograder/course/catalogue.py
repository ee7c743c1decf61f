"""The misconception catalogue: the classic mistakes of each exercise, as code.

``misconceptions/<exercise>/<bug>.py`` in a course holds ONE classic mistake (its docstring's first
line says which) as the functions of ``reference/<exercise>.py`` that the mistake changes, written
as a student would get them wrong. The bug's module is the reference module with those functions
in its place: :attr:`Misconception.source` appends them to the reference's source, so later
definitions win and everything else, helpers and docstrings, stays the reference's own.
``misconceptions/<exercise>.yaml`` gives every bug a ``title`` for instructors and the ``hint`` a
student reads when their code behaves like that bug, and, under ``alike``, the other bugs of the
exercise that give the very same results on some cases (so a case there names the one listed
first), each with the reason. A misconception's id is ``<exercise>.<bug>``, as in ``conv.flipped_kernel``.

The modules are trusted code: diagnosis runs them in the grader's own process (see
:mod:`autograder.judge.diagnosis`), mutation testing grades them as submissions (see
:mod:`autograder.judge.mutation`), and the student release leaves them out (they are
near-solutions). A bug module is loaded as a module of the course's reference package, so a
module's relative imports (``from .conv import ...``) use the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from autograder.course.model import Course, _reference_package, load_course
from autograder.course.yamlfile import YamlError, load_yaml_file

ENTRY_KEYS = ("title", "hint")
OPTIONAL_KEYS = ("alike",)


class CatalogueError(ValueError):
    """A catalogue file that is malformed or disagrees with the bug modules beside it."""


@dataclass(frozen=True)
class Misconception:
    """One classic mistake of one exercise.

    Attributes
    ----------
    exercise : str
        The exercise whose module has the mistake.
    name : str
        The bug's name, the stem of its module file.
    title : str
        A few words for instructors (class report).
    hint : str
        What a student whose code behaves like this bug reads; fixed text, never a case's value.
    path : Path
        The bug's file: the functions of the reference module that the mistake changes.
    reference : Path
        The reference module the bug's functions are appended to.
    package : str
        The name of the course's reference package, which the bug module belongs to.
    alike : tuple of (str, str)
        Other bugs of the exercise (by name) that give the same results as this one on some cases,
        each with the reason.
    """

    exercise: str
    name: str
    title: str
    hint: str
    path: Path
    reference: Path
    package: str
    alike: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        """``<exercise>.<name>``, the id reports show as ``misconception``."""
        return f"{self.exercise}.{self.name}"

    @property
    def source(self) -> str:
        """The whole module with this mistake: the reference module, then the bug's functions."""
        return on_reference(self.reference, self.path.read_text())

    def load(self) -> ModuleType:
        """The bug module, imported (once per process) as a module of the course's reference package."""
        return _load_module(self)


def on_reference(reference: Path, code: str) -> str:
    """The source of the reference module ``reference`` with ``code`` after it, whose definitions replace its own."""
    return f"{Path(reference).read_text()}\n\n{code}"


def load_catalogue_file(path: Path, course: Course | None = None) -> tuple[Misconception, ...]:
    """Read and validate ``<exercise>.yaml`` against the bug modules in ``<exercise>/`` beside it.

    Raises
    ------
    CatalogueError
        With the file, the key and what was expected.
    """
    path, course = Path(path), course or load_course()
    exercise = path.stem
    try:
        data = load_yaml_file(path)
    except YamlError as error:
        raise CatalogueError(str(error)) from None
    if not isinstance(data, dict) or set(data) != {"exercise", "misconceptions"}:
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise CatalogueError(f"{path}: expected a mapping with the keys exercise and misconceptions, found {found}")
    if data["exercise"] != exercise:
        raise CatalogueError(f"{path}: exercise: expected {exercise!r} (the file's name), found {data['exercise']!r}")
    entries = data["misconceptions"]
    if not isinstance(entries, dict) or not entries:
        raise CatalogueError(f"{path}: misconceptions: expected a mapping from bug name to title and hint")
    problems = [f"{path}: {problem}" for problem in _problems(entries, path.parent / exercise)]
    if problems:
        raise CatalogueError("\n".join(problems))
    reference, package = course.reference_dir / f"{exercise}.py", course.reference_package
    return tuple(Misconception(exercise, name, entry["title"].strip(), entry["hint"].strip(),
                               path.parent / exercise / f"{name}.py", reference, package,
                               tuple((other, why.strip()) for other, why in entry.get("alike", {}).items()))
                 for name, entry in entries.items())


def _problems(entries: dict, folder: Path) -> list[str]:
    """What is wrong between the entries of a catalogue file and the modules in ``folder``."""
    modules = {p.stem for p in folder.glob("*.py")}
    problems = [f"misconceptions.{name}: no module {folder / f'{name}.py'}" for name in entries if name not in modules]
    problems += [f"misconceptions: no entry for the module {folder / f'{name}.py'}; expected a title and a hint"
                 for name in sorted(modules - set(entries))]
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not set(ENTRY_KEYS) <= set(entry) <= {*ENTRY_KEYS, *OPTIONAL_KEYS}:
            found = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            problems.append(f"misconceptions.{name}: expected the keys {list(ENTRY_KEYS)} (and optionally "
                            f"{list(OPTIONAL_KEYS)}), found {found}")
        elif not all(isinstance(entry[key], str) and entry[key].strip() for key in ENTRY_KEYS):
            problems.append(f"misconceptions.{name}: title and hint must be non-empty text")
        else:
            problems += [f"misconceptions.{name}.alike: {problem}" for problem in _alike_problems(entry, entries)]
    return problems


def _alike_problems(entry: dict, entries: dict) -> list[str]:
    alike = entry.get("alike", {})
    if not isinstance(alike, dict):
        return [f"expected a mapping from another bug's name to the reason, found {type(alike).__name__}"]
    problems = [f"{other!r} is no bug of this catalogue" for other in alike if other not in entries]
    problems += [f"{other}: the reason must be non-empty text" for other, why in alike.items()
                 if not (isinstance(why, str) and why.strip())]
    return problems


def load_catalogue(course: Course | None = None) -> dict[str, tuple[Misconception, ...]]:
    """The catalogue of every exercise of ``course`` (default: :func:`~autograder.course.model.load_course`)
    that has a ``<exercise>.yaml``, in course order.

    Raises
    ------
    CatalogueError
        When a file is malformed, disagrees with its modules, or names no exercise of the course.
    """
    course = course or load_course()
    directory = course.catalogue_dir
    unknown = sorted(p.name for p in directory.glob("*.yaml") if p.stem not in course.names)
    if unknown:
        raise CatalogueError(f"{directory}: {', '.join(unknown)} name no exercise; expected among {list(course.names)}")
    return {exercise: load_catalogue_file(directory / f"{exercise}.yaml", course)
            for exercise in course.names if (directory / f"{exercise}.yaml").is_file()}


def catalogue(course: Course, exercise: str) -> tuple[Misconception, ...]:
    """The catalogued bugs of ``exercise``, in its file's order; none when it has no catalogue file.

    The student release has no catalogue at all, so nothing is ever diagnosed there.
    """
    return _catalogue(course.catalogue_dir / f"{exercise}.yaml", course)


@lru_cache(maxsize=None)
def _catalogue(path: Path, course: Course) -> tuple[Misconception, ...]:
    return load_catalogue_file(path, course) if path.is_file() else ()


def misconception(identifier: str, course: Course | None = None) -> Misconception:
    """The catalogued misconception with the id ``<exercise>.<name>`` (in ``course``, default: the current one).

    Raises
    ------
    KeyError
        When no catalogue has it.
    """
    course = course or load_course()
    exercise = identifier.split(".", 1)[0]
    for bug in catalogue(course, exercise) if exercise in course.names else ():
        if bug.id == identifier:
            return bug
    raise KeyError(f"no misconception {identifier!r} in the catalogue of {exercise!r}")


@lru_cache(maxsize=None)
def _load_module(bug: Misconception) -> ModuleType:
    _reference_package(bug.reference.parent.resolve())  # registered in this process too (a pool's, say)
    module = ModuleType(f"{bug.package}._bug_{bug.exercise}_{bug.name}")
    module.__package__ = bug.package
    module.__file__ = str(bug.path)
    exec(compile(bug.source, str(bug.path), "exec"), module.__dict__)
    return module
