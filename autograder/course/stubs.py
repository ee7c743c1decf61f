"""Generate the student stubs in ``exercises/`` from the reference solutions.

The reference modules mark the students' work with solution regions::

    # BEGIN SOLUTION: a short pointer to the task
    ...
    # END SOLUTION

A region inside a function body becomes ``raise NotImplementedError("<function>: <pointer>")``;
a region at module level disappears. Everything else is copied unchanged, so the stubs keep
the references' signatures and docstrings. Run ``python -m autograder.course.stubs`` after editing a
reference; ``python -m autograder.course.stubs --check`` exits non-zero when the committed stubs are stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from autograder.course.model import Course, load_course

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::\s*(?P<pointer>.*))?$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
DEF = re.compile(r"^[ \t]*def (?P<name>\w+)\(")

STUBS_PACKAGE_DOC = '''"""Your implementations of the course's layers, one module per exercise.

Fill in the functions marked ``NotImplementedError`` and run ``autograder check`` to see how
they do on the public cases.
"""
'''


class MarkerError(ValueError):
    """A reference module whose solution markers do not pair up."""


def make_stub(source: str, filename: str = "<reference>") -> str:
    """Return the stub for one reference module's source text.

    Parameters
    ----------
    source : str
        The reference module's text, with solution regions.
    filename : str
        Used in error messages only.

    Raises
    ------
    MarkerError
        When a region is not closed, an END has no BEGIN, or regions nest.
    """
    lines = source.splitlines()
    out: list[str] = []
    function = None
    region_start = None
    for number, line in enumerate(lines, start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if region_start is None:
            if end:
                raise MarkerError(f"{filename}:{number}: '# END SOLUTION' without a matching BEGIN")
            if begin:
                region_start = number
                indent = begin.group("indent")
                if indent:
                    pointer = (begin.group("pointer") or "implement this function").strip()
                    message = f"{function}: {pointer}" if function else pointer
                    out.append(f"{indent}raise NotImplementedError({message!r})")
                continue
            definition = DEF.match(line)
            if definition:
                function = definition.group("name")
            out.append(line)
        elif begin:
            raise MarkerError(f"{filename}:{number}: solution region opened inside the one at line {region_start}")
        elif end:
            region_start = None
    if region_start is not None:
        raise MarkerError(f"{filename}:{region_start}: '# BEGIN SOLUTION' is never closed by '# END SOLUTION'")
    return _squeeze_blank_lines("\n".join(out)) + "\n"


def _squeeze_blank_lines(text: str) -> str:
    """Collapse the runs of blank lines that removed module-level regions leave behind."""
    return re.sub(r"\n{4,}", "\n\n\n", text).strip("\n")


def expected_stubs(course: Course | None = None) -> dict[str, str]:
    """The stub text of every file of the course's stubs folder, keyed by file name."""
    course = course or load_course()
    stubs = {"__init__.py": STUBS_PACKAGE_DOC}
    for exercise in course.names:
        path = course.reference_dir / f"{exercise}.py"
        stubs[path.name] = make_stub(path.read_text(), filename=str(path))
    return stubs


def stale_stubs(course: Course | None = None) -> list[str]:
    """Names of the files of the course's stubs folder that differ from what the generator produces."""
    course = course or load_course()
    stale = []
    for name, text in expected_stubs(course).items():
        path = course.stubs_dir / name
        if not path.exists() or path.read_text() != text:
            stale.append(name)
    return stale


def write_stubs(course: Course | None = None) -> list[Path]:
    """Write every stub into the course's stubs folder and return the paths written."""
    course = course or load_course()
    stubs_dir = course.stubs_dir
    stubs_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_stubs(course).items():
        path = stubs_dir / name
        path.write_text(text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.course.stubs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale stubs; exit 1 if any")
    parser.add_argument("--course", type=Path, help="the course folder (default: $AUTOGRADER_COURSE or the built-in)")
    args = parser.parse_args(argv)
    course = load_course(args.course)
    if args.check:
        stale = stale_stubs(course)
        for name in stale:
            print(f"{course.stubs_dir / name} differs from the stub generated from {course.reference_dir / name}")
        if stale:
            print("Run `python -m autograder.course.stubs` and commit the result.")
        return 1 if stale else 0
    for path in write_stubs(course):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
