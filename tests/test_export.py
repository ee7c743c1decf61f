"""``autograder export``: a real batch's grades as the CSV Canvas's (and Moodle's) gradebook import reads.

The columns checked are the documented ones. Canvas's gradebook import (Grades > Import) reads
the columns Student, ID, SIS User ID, SIS Login ID and Section, then one column per assignment
(``Name (canvas id)`` updates that assignment, a new name creates one), with the Points Possible
row under the header. Moodle's CSV import (Grades > Import > CSV file) maps one column to the user
by id, ``idnumber``, ``email`` or ``username``, aborts on a row whose user it cannot find, clears a
grade given as blank or ``-``, refuses grades above 100 unless the site allows unlimited grades, and
checks grades against a "Last downloaded from this course" column when there is one.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from autograder.cli import main
from autograder.course.model import load_course
from autograder.integrations.lms import ExportError, export_grades

from builders import EXAMPLE_COURSE, build_submission

CANVAS_IMPORT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_USER_MAPPINGS = {"ID number": "idnumber", "Email address": "email", "Username": "username"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded batch of the example course: ann, ben and cat correct, dan's relu missing, eve unknown to the
    LMS, and a zip that cannot be graded; dan's submission folder is named after his Canvas ID."""
    root = tmp_path_factory.mktemp("export")
    course = load_course(EXAMPLE_COURSE)
    classroom = root / "class"
    for name in ("ann", "ben", "cat", "eve"):
        build_submission(classroom / name, course=course)
    build_submission(classroom / "104", course=course, omit=("relu",))
    (classroom / "broken.zip").write_bytes(b"not a zip")
    out = root / "week2"
    subprocess.run([sys.executable, "-m", "autograder", "batch", str(classroom), "--out", str(out), "--course",
                    str(EXAMPLE_COURSE), "--jobs", "2"], check=True, capture_output=True, timeout=600)
    reports = {p.parent.name: json.loads(p.read_text()) for p in out.glob("submissions/*/report.json")}
    return out, reports


def write_canvas_roster(path, points_possible: str):
    """A gradebook as Canvas exports it: Integration ID and read-only totals, the Points Possible row, a test student."""
    path.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Integration ID,Section,week2 (3051),Homework 0 (3050),"
        "Assignments Current Score,Current Score,Final Score\n"
        f"    Points Possible,,,,,,{points_possible},5.00,(read only),(read only),(read only)\n"
        '"Lovelace, Ada",101,S001,ann,,Section A,,4.00,80.00,80.00,80.00\n'
        '"Babbage, Charles",102,S002,BEN,,Section A,,5.00,100.00,100.00,100.00\n'
        '"Hopper, Grace",103,cat,ghopper,,Section B,,3.00,60.00,60.00,60.00\n'
        '"Turing, Alan",104,S004,aturing,,Section B,,,,,\n'
        '"Noether, Emmy",106,S006,enoether,,Section B,,5.00,100.00,100.00,100.00\n'
        '"Student, Test",105,,4e6f7e0c1b2a,,Section A,,,,,\n')
    return path


def read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_the_canvas_csv_has_the_documented_columns_the_points_possible_row_and_one_row_per_graded_student(graded, tmp_path):
    out, reports = graded
    top = f"{reports['ann']['max_score']:g}"
    roster = write_canvas_roster(tmp_path / "canvas-export.csv", top)
    target = tmp_path / "canvas-import.csv"
    assert main(["export", str(out), "--canvas", str(target), "--roster", str(roster)]) == 0
    rows = read(target)
    assert rows[0] == CANVAS_IMPORT_COLUMNS + ["week2 (3051)"], "the existing assignment's column, so Canvas updates it"
    assert rows[1][0].strip() == "Points Possible" and rows[1][-1] == top
    students = {row[1]: row for row in rows[2:]}
    assert set(students) == {"101", "102", "103", "104"}
    assert students["101"][:5] == ["Lovelace, Ada", "101", "S001", "ann", "Section A"]
    for canvas_id, name in (("101", "ann"), ("102", "ben"), ("103", "cat"), ("104", "104")):
        assert float(students[canvas_id][5]) == reports[name]["score"], "by SIS Login ID, any case, SIS User ID, ID"
    assert float(students["104"][5]) < float(top)


def test_students_and_submissions_that_match_nothing_are_listed_and_never_exported_as_zero(graded, tmp_path, capsys):
    out, reports = graded
    roster = write_canvas_roster(tmp_path / "canvas-export.csv", f"{reports['ann']['max_score']:g}")
    target = tmp_path / "grades.csv"
    main(["export", str(out), "--canvas", str(target), "--roster", str(roster)])
    printed = " ".join(capsys.readouterr().err.split())
    listed = {(row["kind"], row["identity"] or row["name"], row["reason"])
              for row in csv.DictReader((tmp_path / "grades-unmatched.csv").open())}
    assert listed == {("submission", "eve", "matches no student"), ("submission", "broken", "could not be graded"),
                      ("student", "enoether", "no submission"), ("student", "4e6f7e0c1b2a", "no submission")}
    assert "submission eve (eve), week2: matches no student" in printed
    assert "broken.zip" not in {row[0] for row in read(target)}


def test_a_new_column_gets_the_batch_maximum_as_points_possible_and_a_mismatch_is_warned(graded, tmp_path, capsys):
    out, reports = graded
    roster = write_canvas_roster(tmp_path / "canvas-export.csv", "100.00")
    target = tmp_path / "new.csv"
    done = export_grades([out], roster, target, "canvas", columns=["Homework 3"])
    rows = read(target)
    assert rows[0][-1] == "Homework 3" and rows[1][-1] == f"{reports['ann']['max_score']:g}" and not done.warnings
    main(["export", str(out), "--canvas", str(target), "--roster", str(roster)])
    assert "Canvas gives it 100.00 points possible" in " ".join(capsys.readouterr().err.split())


def test_the_moodle_csv_maps_users_by_a_documented_field_and_keeps_grades_within_100(graded, tmp_path):
    out, reports = graded
    roster = tmp_path / "moodle-export.csv"
    roster.write_text(
        "First name,Last name,ID number,Institution,Department,Email address,Assignment: week2 (Real),"
        "Course total (Real),Last downloaded from this course\n"
        "Ada,Lovelace,ann,,,ada@example.edu,-,0.00,1735689600\n"
        "Charles,Babbage,S002,,,ben@example.edu,-,0.00,1735689600\n"
        "Grace,Hopper,S003,,,cat@example.edu,-,0.00,1735689600\n")
    target = tmp_path / "moodle-import.csv"
    assert main(["export", str(out), "--moodle", str(target), "--roster", str(roster), "--out-of", "100"]) == 0
    rows = read(target)
    header = rows[0]
    assert header == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                      "Assignment: week2 (Real)"]
    assert "Last downloaded from this course" not in header and set(MOODLE_USER_MAPPINGS) & set(header)
    by_id = {row[2]: row for row in rows[1:]}
    assert set(by_id) == {"ann"}, "only ann's ID number or email is her identity; ben's and cat's emails are not"
    assert all(row[header.index("ID number")] or row[header.index("Email address")] for row in rows[1:])
    assert float(by_id["ann"][-1]) == 100.0 == reports["ann"]["score"] * 100 / reports["ann"]["max_score"]


def test_a_roster_that_is_not_an_lms_export_is_refused_with_what_was_expected(graded, tmp_path):
    out, _ = graded
    roster = tmp_path / "names.csv"
    roster.write_text("name,email\nAda,ada@example.edu\n")
    with pytest.raises(ExportError, match="not a gradebook exported from Canvas: no column Student, ID"):
        export_grades([out], roster, tmp_path / "x.csv", "canvas")
    with pytest.raises(ExportError, match="no column Username, ID number, Email address"):
        export_grades([out], roster, tmp_path / "x.csv", "moodle")
    with pytest.raises(ExportError, match="no submissions/"):
        export_grades([tmp_path], roster, tmp_path / "x.csv", "canvas")
