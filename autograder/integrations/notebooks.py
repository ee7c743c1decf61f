"""The student release's Jupyter notebooks: one per exercise, written with nbformat from the stubs.

A notebook explains its exercise with the stub's docstrings (shapes, formulas, conventions), holds
the whole stub module in one solution cell and ends with a self-check cell. The cells carry
nbgrader's metadata, so an nbgrader course can put the notebooks in ``source/<assignment>/`` as
they are: the solution cell is ``solution`` (its solution regions mark where the student's code
goes, and become nbgrader's own stub in ``generate_assignment``); the check cell is
locked and tagged ``check``, so grading leaves it out. When graded, the solution cell's code is
the exercise's module (:func:`autograder.sandbox.staging.notebook_code`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from nbformat import v4

from autograder.course.model import Course, load_course

PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]+)raise NotImplementedError\(.*\)$")
RELATIVE_IMPORT = re.compile(r"^from \.(?P<module>\w+) import .+$")
SECTION = re.compile(r"^(?P<title>[A-Z][a-z]+)\n-+$", re.MULTILINE)
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

HOW_TO = """**How to work.** Write your code in the solution cell below, in place of each function's
`raise NotImplementedError`, and run the cell to try your functions here. Keep the function names and
signatures. Use only numpy and the standard library. When your notebook is graded, the code of
the solution cell is your `{exercise}` module: other cells are not graded, and the file must keep
its name (`{name}`)."""

CHECK_TEXT = """## Check your work

The cell below grades your **saved** notebooks of this folder on the public cases of `{exercise}`,
in a sandbox, exactly as `autograder check` does (save first: Ctrl-S). Hidden cases, graded later
by your instructors, use other values and sizes of the same kinds."""

CHECK_CODE = '''# Grades the saved notebooks of this folder on the public cases (save the notebook first).
try:
    from autograder.integrations.selfcheck import check_notebook
except ImportError:
    print("The course's `autograder` is not installed here: run `pip install -e .` in the student release.")
else:
    check_notebook("{exercise}")'''


def notebook_name(exercise: str, course: Course | None = None) -> str:
    """The file name of an exercise's notebook, numbered in course order: ``01_conv.ipynb``, ..."""
    course = course or load_course()
    return f"{course.names.index(exercise) + 1:02d}_{exercise}.ipynb"


def exercise_notebook(exercise: str, stub: str, course: Course | None = None) -> nbformat.NotebookNode:
    """The notebook of one exercise, made from its stub module's source.

    Parameters
    ----------
    exercise : str
        One of the course's exercises.
    stub : str
        The stub module (``exercises/<exercise>.py``), with its docstrings.

    course : Course

    Returns
    -------
    nbformat.NotebookNode
        A valid nbformat 4 notebook.
    """
    course = course or load_course()
    tree = ast.parse(stub)
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]
    cells = [v4.new_markdown_cell(_introduction(exercise, ast.get_docstring(tree) or "", course))]
    cells += [v4.new_markdown_cell(_function_text(stub, node)) for node in functions]
    cells.append(v4.new_code_cell(solution_source(stub, course), metadata=_nbgrader(exercise, "solution")))
    cells.append(v4.new_markdown_cell(CHECK_TEXT.format(exercise=exercise)))
    cells.append(v4.new_code_cell(CHECK_CODE.format(exercise=exercise), metadata=_nbgrader(exercise, "check")))
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"{exercise}-{number}"
    notebook = v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


def write_notebooks(folder: Path, course: Course | None = None, exercises: tuple[str, ...] | None = None) -> list[Path]:
    """Write the notebook of every exercise of ``exercises`` (default: all the course's) into ``folder``,
    from the course's stubs."""
    course = course or load_course()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in exercises if exercises is not None else course.names:
        path = folder / notebook_name(exercise, course)
        stub = (course.stubs_dir / f"{exercise}.py").read_text()
        nbformat.write(exercise_notebook(exercise, stub, course), path)
        written.append(path)
    return written


def solution_source(stub: str, course: Course) -> str:
    """The solution cell's code: the stub, with nbgrader's solution regions around each placeholder.

    A relative import of another exercise (the residual block's ``from .conv import ...``) only
    works once graded, inside the exercise package, so in the notebook it is allowed to fail.
    """
    lines = []
    for line in stub.rstrip("\n").splitlines():
        placeholder, relative = PLACEHOLDER.match(line), RELATIVE_IMPORT.match(line)
        if placeholder:
            indent = placeholder.group("indent")
            lines += [f"{indent}### BEGIN SOLUTION", line, f"{indent}### END SOLUTION"]
        elif relative:
            module = relative.group("module")
            source = notebook_name(module, course) if module in course.names else f"{module}.py"
            lines += ["try:", f"    {line}", "except ImportError:  # in Jupyter, outside the graded package: define "
                      f"them here first, e.g. with %run {source}", "    pass"]
        else:
            lines.append(line)
    return "\n".join(lines)


def _nbgrader(exercise: str, role: str) -> dict:
    """nbgrader's cell metadata for the solution cell or the (locked, read-only) check cell."""
    solution = role == "solution"
    meta = {"nbgrader": {"solution": solution, "grade": False, "locked": not solution, "schema_version": 3,
                         "grade_id": f"{exercise}-{role}"}}
    return meta if solution else dict(meta, tags=["check"], editable=False, deletable=False)


def _introduction(exercise: str, docstring: str, course: Course) -> str:
    title = f"# Exercise {course.names.index(exercise) + 1}: `{exercise}`"
    how_to = HOW_TO.format(exercise=exercise, name=notebook_name(exercise, course))
    return "\n\n".join([title, _markdown(docstring), how_to])


def _function_text(stub: str, node: ast.FunctionDef) -> str:
    """A function's signature and docstring: its prose as Markdown, its numpydoc sections verbatim."""
    signature = re.sub(r"\s+", " ", ast.get_source_segment(stub, node).split(":\n", 1)[0]).removeprefix("def ")
    signature = re.sub(r",? \)", ")", signature.replace("( ", "("))
    docstring = ast.get_docstring(node) or ""
    first_section = SECTION.search(docstring)
    prose = docstring[:first_section.start()] if first_section else docstring
    sections = docstring[first_section.start():] if first_section else ""
    parts = [f"### `{node.name}`", f"```python\n{signature}\n```", _markdown(prose.strip())]
    if sections:
        parts.append(f"```text\n{sections.strip()}\n```")
    return "\n\n".join(part for part in parts if part)


def _markdown(text: str) -> str:
    """reStructuredText-ish docstring prose as Markdown: literal blocks stay indented code, ``x`` becomes `x`."""
    lines = []
    for line in text.splitlines():
        if line.strip() == "::":
            continue
        lines.append(line[:-1] if line.endswith("::") else line)
    return "\n".join(lines).replace("``", "`")
