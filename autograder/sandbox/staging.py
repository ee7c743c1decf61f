"""Submissions: from what a student hands in (a folder, a ``.zip``, notebooks) to a folder of modules.

:func:`stage` copies the submission's Python modules into a fresh folder that the worker will
see read-only, turning notebooks into modules and unpacking zips safely (no absolute paths, no
``..``, size limits). It then reads every exercise module without running it: a syntax error or
an import of a forbidden package (torch, scipy, ..., the reference, the grader) costs that
exercise its points with a message that says so, before any code runs.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


MAX_FILE_BYTES = 2 * 2**20
"""The largest module or notebook read; larger ones are left out."""
MAX_TOTAL_BYTES = 50 * 2**20
"""The most a submission's modules and notebooks may hold together."""
MAX_FILES = 500
"""The most modules and notebooks a submission may hold."""
MAX_ENTRIES = 5000
"""The most files and folders looked at in a submission folder (hidden folders, ``__MACOSX`` and
``__pycache__`` are not entered)."""
MAX_DEPTH = 8
"""How many folders deep the exercise files are looked for; deeper files are left out."""
STAGING_SECONDS = 60.0
"""How long staging may take when no deadline is given (a grade passes the submission's own)."""
SKIPPED_FOLDERS = ("__MACOSX", "__pycache__")
SKIPPED_CELL = re.compile(r"^\s*[%!]")
FUTURE_IMPORT = re.compile(r"^from __future__ import .*$", re.MULTILINE)
NOTEBOOK_CELLS = ("solution", "all")
"""Which code cells of a notebook become the module: its solution cells, or all but the checks."""
NotebookCells = Literal["solution", "all"]


@dataclass(frozen=True)
class Rules:
    """What staging needs to know of the course.

    Attributes
    ----------
    exercises : tuple of str
        The course's exercises: the modules (and notebooks) looked for.
    forbidden : tuple of str
        Top-level packages a module may not import.
    notebook_cells : {"solution", "all"}
        Which cells of a notebook become its module (see :func:`notebook_code`).
    read : tuple of str, optional
        The exercises whose modules are read statically (syntax, forbidden imports) and given a note
        when they cannot be graded; default: every one. A grade reads those it grades and those they import.
    """

    exercises: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    notebook_cells: NotebookCells = "solution"
    read: tuple[str, ...] | None = None


@dataclass
class StagedSubmission:
    """A submission laid out as a folder of modules, ready for the worker.

    Attributes
    ----------
    path : Path
        The folder holding ``conv.py``, ``pooling.py`` ... (those present).
    notes : dict
        For each exercise that cannot be graded (missing, syntax error, forbidden import),
        the reason, for the student.
    identity : str
        Who the submission belongs to; seeds the hidden cases.
    """

    path: Path
    notes: dict = field(default_factory=dict)
    identity: str = ""
    _tmp: tempfile.TemporaryDirectory | None = None

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "StagedSubmission":
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()


class SubmissionError(ValueError):
    """A submission that cannot be read at all (not a folder, zip or notebook; a broken zip)."""


def submission_identity(path: Path) -> str:
    """The default identity of a submission: its file or folder name without the extension."""
    path = Path(path)
    return path.stem if path.suffix in (".zip", ".ipynb") else path.name


def stage(path: Path, rules: Rules | None = None, identity: str | None = None,
          deadline: float | None = None) -> StagedSubmission:
    """Copy a submission's modules into a fresh folder and read them statically.

    ``rules`` name the exercises, the forbidden imports and which notebook cells become modules
    (default: those of :func:`~autograder.course.model.load_course`'s course, solution cells).
    Staging is bounded: at most :data:`MAX_DEPTH` folders deep, :data:`MAX_ENTRIES` entries
    looked at, :data:`MAX_FILES` files and :data:`MAX_TOTAL_BYTES` bytes, and it must end by
    ``deadline`` (on :func:`time.monotonic`'s clock; default :data:`STAGING_SECONDS` from now).

    Raises
    ------
    SubmissionError
        When ``path`` is not a folder, a ``.zip`` or a ``.ipynb``, or cannot be read, or a single
        notebook is not named after an exercise, or the submission is beyond those bounds.
    """
    path, rules = Path(path), rules or _course_rules()
    if rules.notebook_cells not in NOTEBOOK_CELLS:
        raise ValueError(f"notebook_cells: expected one of {', '.join(NOTEBOOK_CELLS)}, found {rules.notebook_cells!r}")
    budget = _Budget(path, deadline if deadline is not None else time.monotonic() + STAGING_SECONDS)
    tmp = tempfile.TemporaryDirectory(prefix="autograder-submission-")
    staged = StagedSubmission(Path(tmp.name) / "exercises", identity=identity or submission_identity(path), _tmp=tmp)
    staged.path.mkdir()
    try:
        if path.is_dir():
            _copy_folder(_module_folder(path, rules, budget), staged.path, staged.notes, rules, budget)
        elif path.suffix == ".zip":
            _copy_zip(path, Path(tmp.name) / "unzipped", staged.path, staged.notes, rules, budget)
        elif path.suffix == ".ipynb":
            if notebook_exercise(path, rules.exercises) is None:
                first = rules.exercises[0]
                raise SubmissionError(f"{path}: expected a notebook named after one exercise "
                                      f"({', '.join(rules.exercises)}), such as {first}.ipynb or 01_{first}.ipynb")
            if budget.keep(path.stat().st_size, path.name):
                _notebook_to_module(path, staged.path, staged.notes, rules)
        else:
            raise SubmissionError(f"{path}: expected a folder, a .zip or a .ipynb notebook")
        for exercise in rules.exercises if rules.read is None else rules.read:
            budget.check()
            staged.notes.setdefault(exercise, _static_problem(staged.path / f"{exercise}.py", rules.forbidden,
                                                              budget.left_out))
        staged.notes = {k: v for k, v in staged.notes.items() if v}
    except RecursionError:
        staged.cleanup()
        raise SubmissionError(f"{path}: nested too deeply to be read; submit the exercise files in one folder") from None
    except BaseException:
        staged.cleanup()
        raise
    for file in staged.path.iterdir():
        file.chmod(0o644)
    staged.path.chmod(0o755)
    return staged


class _Budget:
    """What staging one submission may still spend: entries looked at, files kept, bytes, time."""

    def __init__(self, submission: Path, deadline: float):
        self.submission, self.deadline = submission, deadline
        self.entries = self.files = self.bytes = 0
        self.left_out: list[str] = []

    def fresh(self) -> "_Budget":
        """A budget of the same deadline, noting what it leaves out in the same list."""
        budget = _Budget(self.submission, self.deadline)
        budget.left_out = self.left_out
        return budget

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise SubmissionError(f"{self.submission}: staging took longer than the submission's time limit; submit "
                                  f"only the exercise files ({_EXAMPLE}), not a whole project")

    def entry(self) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise SubmissionError(f"{self.submission}: holds more than {MAX_ENTRIES} files and folders; submit only "
                                  f"the exercise files ({_EXAMPLE}), not a whole project")
        if self.entries % 64 == 0:
            self.check()

    def keep(self, size: int, name: str) -> bool:
        """Whether a file of ``size`` bytes fits (files too large are left out, and said so)."""
        if size > MAX_FILE_BYTES:
            self.left_out.append(f"{name} is larger than {MAX_FILE_BYTES // 2**20} MB")
            return False
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES:
            raise SubmissionError(f"{self.submission}: holds more than {MAX_FILES} Python files and notebooks; "
                                  f"submit only the exercise files ({_EXAMPLE})")
        if self.bytes > MAX_TOTAL_BYTES:
            raise SubmissionError(f"{self.submission}: its Python files and notebooks hold more than "
                                  f"{MAX_TOTAL_BYTES // 2**20} MB together; submit only the exercise files ({_EXAMPLE})")
        return True

    def too_deep(self) -> None:
        note = f"files more than {MAX_DEPTH} folders deep were not looked at"
        if note not in self.left_out:
            self.left_out.append(note)


_EXAMPLE = "one <exercise>.py per exercise, in one folder or zip"


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []


def _module_folder(folder: Path, rules: Rules, budget: _Budget) -> Path:
    """The folder that holds the exercise files: ``folder`` itself or the sub-folder with the most of them.

    Folders are walked breadth first, never through a symlink (it could point anywhere on the
    grader's machine, the reference included), at most :data:`MAX_DEPTH` deep.
    """
    wanted = {f"{e}.py" for e in rules.exercises}
    best, best_key, level = folder, None, [folder]
    for depth in range(MAX_DEPTH + 1):
        below = []
        for directory in level:
            entries = _entries(directory)
            names = set()
            for entry in entries:
                budget.entry()
                names.add(entry.name)
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".") \
                        and entry.name not in SKIPPED_FOLDERS:
                    below.append(Path(entry.path))
            found = len(wanted & names) + sum(notebook_exercise(Path(n), rules.exercises) is not None
                                              for n in names if n.endswith(".ipynb"))
            key = (found, -depth)
            if best_key is None or key > best_key:
                best, best_key = directory, key
        if depth == MAX_DEPTH and below:
            budget.too_deep()
        level = below
    return best


def _copy_folder(source: Path, target: Path, notes: dict, rules: Rules, budget: _Budget) -> None:
    """Copy the modules and notebooks of ``source`` (regular files only, never a symlink)."""
    for entry in _entries(source):
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            continue
        file = Path(entry.path)
        if file.suffix not in (".py", ".ipynb") or not budget.keep(entry.stat(follow_symlinks=False).st_size,
                                                                    file.name):
            continue
        budget.check()
        if file.suffix == ".py":
            shutil.copyfile(file, target / file.name, follow_symlinks=False)
        else:
            _notebook_to_module(file, target, notes, rules)


def _copy_zip(archive: Path, unpacked: Path, target: Path, notes: dict, rules: Rules, budget: _Budget) -> None:
    try:
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                budget.entry()
                name = Path(member.filename.replace("\\", "/"))
                if member.is_dir() or name.is_absolute() or ".." in name.parts or name.suffix not in (".py", ".ipynb") \
                        or any(part.startswith(".") or part in SKIPPED_FOLDERS for part in name.parts[:-1]):
                    continue
                if len(name.parts) > MAX_DEPTH + 1:
                    budget.too_deep()
                    continue
                if not budget.keep(member.file_size, name.name):
                    continue
                destination = unpacked / name
                try:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(zipped.read(member))
                except OSError:  # a name that cannot be a file here (``conv.py`` and ``conv.py/x.py``): left out
                    continue
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as error:
        raise SubmissionError(f"{archive}: not a readable zip file ({error}); make it again with your system's "
                              f"\"compress\" or `zip -r`") from None
    unpacked.mkdir(exist_ok=True)
    unpacked_budget = budget.fresh()  # the files were counted once, as members
    _copy_folder(_module_folder(unpacked, rules, unpacked_budget), target, notes, rules, unpacked_budget)


def _course_rules() -> Rules:
    from autograder.course.model import load_course

    course = load_course()
    return Rules(course.names, course.forbidden)


def notebook_exercise(path: Path, exercises: tuple[str, ...] | None = None) -> str | None:
    """The exercise a notebook is named after (``conv.ipynb``, ``03_rnn.ipynb``, ``layer_norm.ipynb``), or None.

    The name's words (runs of letters and digits) must contain the exercise's words in a row; when
    several exercises fit, the one with the most words wins, and a tie means None.
    """
    exercises = exercises if exercises is not None else _course_rules().exercises
    words = re.findall(r"[a-z0-9]+", path.stem.lower())
    found = {}
    for exercise in exercises:
        parts = re.findall(r"[a-z0-9]+", exercise)
        if any(words[k:k + len(parts)] == parts for k in range(len(words) - len(parts) + 1)):
            found[exercise] = len(parts)
    best = max(found.values(), default=0)
    winners = [exercise for exercise, size in found.items() if size == best]
    return winners[0] if len(winners) == 1 else None


def notebook_code(notebook: dict, cells: str = "solution") -> str:
    """The module code of a notebook.

    With ``cells="solution"`` the module is the notebook's solution cells (nbgrader's ``solution``
    metadata or the ``solution`` tag), or every code cell when none is marked; with ``cells="all"``
    it is every code cell. Cells tagged ``check`` are always left out, and so are IPython magics and
    shell lines. Solution cells are copied as they are; any other cell is guarded by
    ``try``/``except Exception`` (and left out if it does not compile), so that an error in an
    unrelated cell does not stop grading. ``from __future__`` imports move to the top.
    """
    code = [(n, c) for n, c in enumerate(notebook.get("cells", []), start=1)
            if isinstance(c, dict) and c.get("cell_type") == "code" and "check" not in _cell_tags(c)]
    solutions = [(n, c) for n, c in code if _is_solution_cell(c)]
    chosen = solutions if cells == "solution" and solutions else code
    sources = [_cell_source(cell) for _, cell in chosen]
    futures = sorted({line for source in sources for line in FUTURE_IMPORT.findall(source)})
    sources = [FUTURE_IMPORT.sub("", source) for source in sources]
    parts = [source if _is_solution_cell(cell) else _guarded(n, source) for (n, cell), source in zip(chosen, sources)]
    return "\n\n".join(futures + parts) + "\n"


def _cell_tags(cell: dict) -> list:
    tags = _mapping(cell.get("metadata")).get("tags")
    return tags if isinstance(tags, list) else []


def _is_solution_cell(cell: dict) -> bool:
    nbgrader = _mapping(_mapping(cell.get("metadata")).get("nbgrader"))
    return nbgrader.get("solution") is True or "solution" in _cell_tags(cell)


def _mapping(value) -> dict:
    """``value`` if it is a dict, else an empty one: a notebook's metadata is untrusted JSON."""
    return value if isinstance(value, dict) else {}


def _cell_source(cell: dict) -> str:
    """A cell's code with IPython magics and shell lines commented out."""
    source = cell.get("source", "")
    source = "".join(map(str, source)) if isinstance(source, list) else str(source)
    return "\n".join("# (left out) " + line if SKIPPED_CELL.match(line) else line for line in source.splitlines())


def _guarded(number: int, source: str) -> str:
    """A cell that is not a solution cell, made unable to stop the module's import (or left out)."""
    body = "\n".join("    " + line for line in ["pass", *source.splitlines()])
    guarded = (f"try:  # notebook cell {number}, not a solution cell: an error here must not stop grading\n{body}\n"
               f"except Exception as _cell_error:\n"
               f"    print(f'(notebook cell {number} raised {{type(_cell_error).__name__}}; it was skipped)')")
    try:
        compile(guarded, f"<notebook cell {number}>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "\n".join([f"# (notebook cell {number} left out: it does not compile)"]
                         + ["# " + line for line in source.splitlines()])
    return guarded


def _notebook_to_module(path: Path, target: Path, notes: dict, rules: Rules) -> None:
    exercise = notebook_exercise(path, rules.exercises)
    if exercise is None:
        return
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
            raise ValueError("the top level is not a JSON object with a list of cells")
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: JSON nested too deep
        notes[exercise] = f"{path.name} is not a valid notebook (not readable as JSON: {error}); this exercise scores zero"
        return
    (target / f"{exercise}.py").write_text(notebook_code(notebook, rules.notebook_cells))


def _static_problem(module: Path, forbidden: tuple[str, ...], left_out: list[str] = ()) -> str | None:
    """Why an exercise module cannot be graded, found without running it; None if it can.

    ``left_out`` says what staging did not look at (files too large, folders too deep), for a missing module.
    """
    if not module.exists():
        why = f" (left out of the submission: {'; '.join(left_out)})" if left_out else ""
        return f"{module.name} is missing: this exercise scores zero{why}"
    try:
        tree = ast.parse(module.read_text(encoding="utf-8", errors="replace"), filename=module.name)
    except SyntaxError as error:
        return f"{module.name} has a syntax error at line {error.lineno}: {error.msg}; this exercise scores zero"
    except (RecursionError, MemoryError):
        return f"{module.name} is nested too deeply for Python to parse it; this exercise scores zero"
    found = forbidden_imports(tree, forbidden)
    if found:
        listed = ", ".join(f"{name} (line {line})" for name, line in found)
        return (f"{module.name} imports {listed}, which submissions may not use (only numpy and the standard "
                f"library); this exercise scores zero")
    return None


def forbidden_imports(tree: ast.AST, forbidden: tuple[str, ...]) -> list[tuple[str, int]]:
    """Forbidden packages a module imports, as (name, line): import statements, ``__import__`` and
    ``importlib.import_module`` with a literal name, and relative imports that leave the package."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:
                names = [("." * node.level) + (node.module or "")]
            elif node.level == 0:
                names = [node.module or ""]
        elif isinstance(node, ast.Call) and _call_name(node.func) in ("__import__", "import_module") and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        for name in names:
            top = name.split(".")[0]
            if name.startswith("..") or top in forbidden:
                found.append((name, node.lineno))
    return found


def _call_name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""
