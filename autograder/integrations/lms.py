"""``autograder export OUT... --canvas FILE.csv --roster ROSTER.csv`` (or ``--moodle``): grades for the LMS.

Each ``OUT`` is a batch's output folder (one assignment); the roster is the gradebook the LMS
itself exported, which names its students and their ids:

- **Canvas**: Grades > Export > Export Entire Gradebook. Its header is ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, (``Integration ID``,) ``Section``, one column per assignment
  (``Homework 1 (12345)``, the Canvas assignment id in parentheses) and read-only totals; its
  second row is ``Points Possible``. ``FILE`` has the columns Canvas's import requires,
  ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per
  assignment, the ``Points Possible`` row kept, and one row per student with a grade. Import it
  with Grades > Import. An assignment's column is the roster's column of the same name (so
  Canvas updates that assignment), else one named after the batch's assignment (Canvas then
  creates the assignment), unless ``columns`` names it.
- **Moodle**: Grades > Export > Plain text file (comma separated). Its header is the user fields
  the site exports (``First name``, ``Last name``, ``ID number``, ``Institution``, ``Department``,
  ``Email address``, perhaps ``Username``), then one column per grade item. ``FILE`` keeps the
  user fields and adds one column per assignment; import it with Grades > Import > CSV file,
  "Identify user by" mapping ``ID number`` to ``idnumber`` (or ``Email address`` to ``email``,
  ``Username`` to ``username``) and each grade column to its grade item (or a new one). Moodle
  refuses a grade above 100 unless the site allows unlimited grades: ``out_of`` rescales.

A submission belongs to the student whose id (Canvas: ``SIS Login ID``, ``SIS User ID`` or
``ID``; Moodle: ``Username``, ``ID number`` or ``Email address``) equals its identity, ignoring
case and surrounding spaces; the identity is what its report records (the submission's name,
or ``--identity``). Students without a grade are left out of ``FILE`` (both LMSs then keep what
they have; Moodle would abort on a row it cannot map and clear a grade given as blank), and a
student graded in one column but not another keeps the roster's value in the other. They,
submissions that match no student or several, and submissions that could not be graded (never
exported as a zero) are listed in ``<FILE>-unmatched.csv`` and returned. Grades are the reports'
totals, after the late penalty, under the one rounding rule.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from autograder.reports.gradebook import write_csv
from autograder.reports.json_report import from_json_dict
from autograder.results import SubmissionResult, format_points, points
from autograder.sandbox.staging import submission_identity

System = Literal["canvas", "moodle"]
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
"""The columns Canvas's gradebook import requires before the assignments' columns."""
CANVAS_IDS = ("SIS Login ID", "SIS User ID", "ID")
POINTS_POSSIBLE = "Points Possible"
MOODLE_USER_FIELDS = ("First name", "Last name", "ID number", "Institution", "Department", "Email address", "Username")
"""The user fields of Moodle's grade export, kept in the import file."""
MOODLE_IDS = ("Username", "ID number", "Email address")
"""The user fields Moodle's CSV import identifies users by (``username``, ``idnumber``, ``email``)."""


class ExportError(ValueError):
    """A roster or a batch output that cannot be exported; the message says what was expected."""


@dataclass(frozen=True)
class Graded:
    """One batch output: its assignment and its submissions' results."""

    out: Path
    assignment: str
    results: tuple[SubmissionResult, ...]

    @property
    def max_score(self) -> float:
        return max((r.max_score for r in self.results), default=0.0)


@dataclass(frozen=True)
class Unmatched:
    """A student or a submission the export could not pair, and why."""

    kind: Literal["student", "submission"]
    name: str
    identity: str
    assignment: str
    reason: str


@dataclass(frozen=True)
class Export:
    """What :func:`export_grades` wrote."""

    path: Path
    unmatched_path: Path
    columns: tuple[str, ...]
    graded: int
    unmatched: tuple[Unmatched, ...]
    warnings: tuple[str, ...] = ()


def export_grades(outs: Sequence[Path], roster: Path, target: Path, system: System,
                  columns: Sequence[str] | None = None, out_of: float | None = None) -> Export:
    """Write the LMS import file of the batch outputs ``outs`` for the students of ``roster``.

    Parameters
    ----------
    outs : sequence of Path
        Batch output folders, one per assignment (one column each).
    roster : Path
        The gradebook CSV the LMS exported.
    target : Path
        The CSV to write; the unmatched go to ``<target stem>-unmatched.csv`` beside it.
    system : {"canvas", "moodle"}
    columns : sequence of str, optional
        The column name of each batch output's grades, in the order of ``outs``.
    out_of : float, optional
        Rescale every grade to this many points.

    Raises
    ------
    ExportError
        When the roster lacks the columns the LMS needs, a batch output has no report, two
        outputs are of the same assignment, or ``columns`` does not name one column per output.
    """
    batches = [load_graded(Path(out)) for out in outs]
    names = [b.assignment for b in batches]
    if len(set(names)) < len(names):
        raise ExportError(f"two batch outputs grade the same assignment ({', '.join(names)}); expected one per column")
    if columns is not None and len(columns) != len(batches):
        raise ExportError(f"--column: {len(columns)} name(s) for {len(batches)} batch output(s); expected one per OUT")
    header, points_row, students = read_roster(Path(roster), system)
    ids = CANVAS_IDS if system == "canvas" else tuple(c for c in MOODLE_IDS if c in header)
    kept = CANVAS_COLUMNS if system == "canvas" else tuple(c for c in MOODLE_USER_FIELDS if c in header)
    chosen = [columns[n] if columns else assignment_column(header, b.assignment) for n, b in enumerate(batches)]
    grades: dict[int, dict[str, str]] = {}
    unmatched: list[Unmatched] = []
    warnings = []
    for batch, column in zip(batches, chosen):
        matched, missing = match(students, batch, ids)
        unmatched += missing
        for row, result in matched.items():
            grades.setdefault(row, {})[column] = format_points(_rescaled(result, out_of))
        unmatched += [Unmatched("student", _name(students[row], system), _first_id(students[row], ids), batch.assignment,
                                "no submission")
                      for row in range(len(students)) if row not in matched]
        top = format_points(out_of or batch.max_score)
        if points_row is not None and points_row.get(column, "").strip() not in ("", top):
            warnings.append(f"{column}: Canvas gives it {points_row[column].strip()} points possible, the grades are "
                            f"out of {top}" + ("" if out_of else "; --out-of rescales them"))
        if points_row is not None and not points_row.get(column, "").strip():
            points_row[column] = top
    rows = [[*kept, *chosen]]
    if points_row is not None:
        rows.append([points_row.get("Student", POINTS_POSSIBLE)] + [""] * (len(kept) - 1) + [points_row[c] for c in chosen])
    # a student with no grade in one column keeps the LMS's own value there (or none, in a new column)
    rows += [[students[row].get(c, "") for c in kept] + [grades[row].get(c, students[row].get(c, "")) for c in chosen]
             for row in sorted(grades)]
    path = write_csv(rows, target)
    unmatched_path = write_csv([("kind", "name", "identity", "assignment", "reason"),
                                *((u.kind, u.name, u.identity, u.assignment, u.reason) for u in unmatched)],
                               Path(target).with_name(f"{Path(target).stem}-unmatched.csv"))
    return Export(path, unmatched_path, tuple(chosen), len(grades), tuple(unmatched), tuple(warnings))


def load_graded(out: Path) -> Graded:
    """The results of the batch output ``out`` and the assignment it graded (from its reports).

    Raises
    ------
    ExportError
        When ``out`` holds no report, or a report cannot be read.
    """
    paths = sorted(out.glob("submissions/*/report.json"))
    if not paths:
        raise ExportError(f"{out}: no submissions/*/report.json; expected the output folder of "
                          f"`autograder batch DIR --out {out}`")
    results, assignments = [], set()
    for path in paths:
        try:
            data = json.loads(path.read_text())
            results.append(from_json_dict(data))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ExportError(f"{path}: not a report written by `autograder batch` ({error})") from None
        assignments.add(data.get("assignment") or out.name)
    if len(assignments) > 1:
        raise ExportError(f"{out}: its reports grade several assignments ({', '.join(sorted(assignments))}); expected one")
    return Graded(out, assignments.pop(), tuple(results))


def read_roster(path: Path, system: System) -> tuple[list[str], dict[str, str] | None, list[dict[str, str]]]:
    """The roster's header, its ``Points Possible`` row (Canvas; None for Moodle) and its students' rows.

    Raises
    ------
    ExportError
        When the file cannot be read or lacks the columns the LMS identifies students by.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            table = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ExportError(f"{path}: cannot be read as CSV ({error})") from None
    header = [cell.strip() for cell in table[0]] if table else []
    records = [dict(zip(header, row)) for row in table[1:] if any(cell.strip() for cell in row)]
    if system == "canvas":
        missing = [c for c in CANVAS_COLUMNS if c not in header]
        if missing:
            raise ExportError(f"{path}: not a gradebook exported from Canvas: no column {', '.join(missing)}; expected "
                              f"the header {', '.join(CANVAS_COLUMNS)}, then the assignments (Grades > Export)")
        extra = [r for r in records if not r.get("ID", "").strip()]
        points_row = next((r for r in extra if r.get("Student", "").strip() == POINTS_POSSIBLE), None)
        return header, points_row, [r for r in records if r.get("ID", "").strip()]
    if not any(c in header for c in MOODLE_IDS):
        raise ExportError(f"{path}: not a grade export of Moodle: no column {', '.join(MOODLE_IDS)} to identify users by; "
                          f"expected Grades > Export > Plain text file with the ID number or the email address")
    return header, None, records


def assignment_column(header: list[str], assignment: str) -> str:
    """The roster's column of ``assignment`` (``core (12345)`` in Canvas, ``Assignment: core (Real)`` in
    Moodle), matched by name ignoring case, else ``assignment`` itself (a new assignment)."""
    for column in header:
        name = re.sub(r"\s*\((\d+|Real|Percentage|Letter)\)$", "", column)
        name = name.split(": ", 1)[-1]
        if name.strip().casefold() == assignment.casefold():
            return column
    return assignment


def match(students: list[dict[str, str]], batch: Graded, ids: Sequence[str]
          ) -> tuple[dict[int, SubmissionResult], list[Unmatched]]:
    """Pair the batch's results with the roster's students by identity.

    Returns
    -------
    matched : dict
        Student row (index into ``students``) -> the result of their submission.
    unmatched : list of Unmatched
        Submissions that match no student or several, could not be graded, or share a student.
    """
    index: dict[str, set[int]] = {}
    for row, student in enumerate(students):
        for column in ids:
            value = _key(student.get(column, ""))
            if value:
                index.setdefault(value, set()).add(row)
    matched: dict[int, SubmissionResult] = {}
    claims: dict[int, list[SubmissionResult]] = {}
    unmatched = []
    for result in batch.results:
        identity = result.identity or submission_identity(Path(result.submission))
        rows = index.get(_key(identity), set())
        problem = ("could not be graded" if result.status == "error" else
                   "matches no student" if not rows else
                   f"matches {len(rows)} students" if len(rows) > 1 else None)
        if problem:
            unmatched.append(Unmatched("submission", result.submission, identity, batch.assignment, problem))
        else:
            claims.setdefault(rows.pop(), []).append(result)
    for row, results in claims.items():
        if len(results) == 1:
            matched[row] = results[0]
        else:
            unmatched += [Unmatched("submission", r.submission, r.identity, batch.assignment,
                                    f"one of {len(results)} submissions of the same student: none exported")
                          for r in results]
    return matched, unmatched


def _rescaled(result: SubmissionResult, out_of: float | None) -> float:
    if out_of is None or not result.max_score:
        return result.score
    return points(result.score * out_of / result.max_score)


def _key(value: str) -> str:
    return value.strip().casefold()


def _name(student: dict[str, str], system: System) -> str:
    if system == "canvas":
        return student.get("Student", "")
    return " ".join(student.get(c, "") for c in ("First name", "Last name")).strip()


def _first_id(student: dict[str, str], ids: Sequence[str]) -> str:
    return next((student[c] for c in ids if student.get(c, "").strip()), "")
