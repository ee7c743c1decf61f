"""Who each submission of a batch belongs to: the gradebook's ``student_id`` column.

Three sources, the first that knows a submission wins:

1. a roster CSV given with ``--roster FILE``: a header with the columns ``submission`` (the
   name in the batch's folder, with or without ``.zip``/``.ipynb``) and ``student_id``;
2. a Gradescope export ("Download submissions"): ``submission_metadata.yml`` beside the
   ``submission_<n>/`` folders lists each folder's submitters; their student ids (``:sid:``, else
   their e-mail) joined with ``;`` for a group;
3. an nbgrader ``submitted/`` folder: each entry is a student's folder named by the student id,
   holding ``<assignment>/timestamp.txt``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.course.yamlfile import YamlError, load_yaml_file

GRADESCOPE_METADATA = "submission_metadata.yml"
ROSTER_COLUMNS = ("submission", "student_id")


class RosterError(ValueError):
    """A roster or metadata file that cannot be used; the message says what is wrong and where."""


def student_ids(directory: Path, names: list[str], roster: Path | None = None) -> dict[str, str]:
    """The student id of each submission of ``names`` (entries of ``directory``) that has one.

    Raises
    ------
    RosterError
        When ``roster`` cannot be read or lacks its columns, or the Gradescope metadata is malformed.
    """
    found: dict[str, str] = {}
    sources = [_nbgrader(directory, names), _gradescope(directory), _roster(roster) if roster else {}]
    for source in sources:  # later sources take precedence
        for name in names:
            known = source.get(name, source.get(_stem(name)))
            if known:
                found[name] = known
    return found


def _roster(path: Path) -> dict[str, str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
            missing = [c for c in ROSTER_COLUMNS if c not in columns]
            if missing:
                raise RosterError(f"{path}: expected the columns {', '.join(ROSTER_COLUMNS)}, found "
                                  f"{', '.join(reader.fieldnames or []) or 'none'}")
            return {str(row[columns["submission"]]).strip(): str(row[columns["student_id"]]).strip()
                    for row in reader if row.get(columns["submission"])}
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"{path}: the roster could not be read: {error}") from None


def _gradescope(directory: Path) -> dict[str, str]:
    path = Path(directory) / GRADESCOPE_METADATA
    if not path.is_file():
        return {}
    try:
        data = load_yaml_file(path)
    except YamlError as error:
        raise RosterError(str(error)) from None
    if not isinstance(data, dict):
        raise RosterError(f"{path}: expected Gradescope's mapping of submission folders to their submitters")
    found = {}
    for folder, entry in data.items():
        submitters = entry.get(":submitters") if isinstance(entry, dict) else None
        ids = [str(s.get(":sid") or s.get(":email") or "").strip() for s in submitters or [] if isinstance(s, dict)]
        if any(ids):
            found[str(folder)] = ";".join(i for i in ids if i)
    return found


def _nbgrader(directory: Path, names: list[str]) -> dict[str, str]:
    return {name: name for name in names if any((Path(directory) / name).glob("*/timestamp.txt"))}


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if name.endswith((".zip", ".ipynb")) else name
