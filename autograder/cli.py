"""The ``autograder`` command line: one sub-command per user task (see ``autograder --help``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from autograder.course.model import COURSE_ENV, Course, CourseError, load_course
from autograder.judge.replay import NotRecorded, StudentReleaseError, is_student_release
from autograder.reports.text import terminal
from autograder.sandbox.staging import NOTEBOOK_CELLS

DESCRIPTION = f"""\
Grade numpy implementations of neural-network layers against a course's reference solutions, in a
sandbox, with hidden cases, gradient checks and feedback that names classic mistakes.

students:     autograder check [DIR]             public cases, feedback in the terminal
instructors:  autograder grade SUBMISSION        public and hidden cases (--json for the report)
              autograder batch DIR --out OUT     a whole class in parallel: gradebook CSV, reports
                                                 (--scheduler ADDRESS: on a Dask cluster)
              autograder report OUT              the class report of a batch: HTML with plots, CSV per criterion
              autograder similarity OUT          pairwise code similarity of a batch, per exercise (copydetect)
              autograder export OUT --canvas FILE --roster ROSTER   a gradebook Canvas (or --moodle) imports
              autograder release OUT             the student release: stubs, notebooks, public cases
              autograder gradescope ZIP          a Gradescope autograder bundle
              autograder nbgrader COURSE ASSIGN  grade an nbgrader course's submissions into its gradebook
              autograder new-exercise NAME       the skeleton of a new exercise of a course
              autograder doctor                  what isolation this machine gives the sandbox, how to fix it
CI:           autograder validate                course valid, reference full marks, stubs zero, mutation score

Every command grades the built-in course unless --course DIR (or ${COURSE_ENV}) names another,
and its default assignment unless --assignment NAME names another (`all` is every exercise).
"""

NOTEBOOK_CELLS_HELP = ("which cells of a notebook are graded: 'solution' (its solution cells; the default) or 'all' "
                       "(every code cell but the checks)")

err = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    if args.command not in ("check", "doctor") and is_student_release():
        err.print(f"[red]error:[/red] {StudentReleaseError(f'run `autograder {args.command}`')}")
        return 2
    try:
        return args.run(args)
    except CourseError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]")
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="grade your work on the public cases (students)")
    check.add_argument("dir", nargs="?", default=None, type=Path,
                       help="your exercises folder, zip or notebook (default: ./exercises, else the course stubs)")
    check.add_argument("--json", action="store_true", help="print the JSON report instead of the summary")
    check.add_argument("--details", action="store_true", help="after the summary, every failed case, grouped by mistake")
    _notebook_cells(check)
    _course_options(check)
    check.set_defaults(run=run_check)

    grade = commands.add_parser("grade", help="grade one submission on public and hidden cases (instructors)")
    grade.add_argument("submission", type=Path, help="a folder, a .zip, or a .ipynb notebook")
    grade.add_argument("--json", action="store_true", help="print only the JSON report on standard output")
    grade.add_argument("--identity", help="who the submission belongs to (seeds hidden cases; default: its name)")
    grade.add_argument("--out", type=Path, help="also write report.json, feedback.md, feedback.html and "
                                                "results.json (Gradescope) into this folder")
    grade.add_argument("--details", "--verbose", action="store_true",
                       help="after the summary, every failed case, grouped by mistake")
    grade.add_argument("--submitted-at", type=_time, metavar="TIME",
                       help="when it was submitted, ISO 8601 (default: its timestamp.txt, as nbgrader writes it)")
    _deadline_option(grade)
    _notebook_cells(grade)
    _course_options(grade)
    grade.set_defaults(run=run_grade)

    batch = commands.add_parser("batch", help="grade every submission in DIR into OUT, in parallel (instructors)")
    batch.add_argument("dir", type=Path, help="a folder of submissions (folders, .zip files, notebooks)")
    batch.add_argument("--out", type=Path, required=True, help="where the gradebook and reports go")
    batch.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    batch.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="grade on the Dask cluster of this scheduler (tcp://host:8786) instead of this machine's "
                            "processes (see docs/cluster.md)")
    batch.add_argument("--only", nargs="+", metavar="NAME", default=None,
                       help="grade only these submissions (names in DIR, with or without .zip/.ipynb)")
    batch.add_argument("--force", action="store_true",
                       help="grade again what is already graded (every submission, or those of --only)")
    batch.add_argument("--roster", type=Path, default=None,
                       help="a CSV with the columns submission and student_id, for the gradebook's student_id")
    batch.add_argument("--submission-times", type=Path, metavar="FILE.csv",
                       help="a CSV with columns submission (a name in DIR, or an identity) and submitted_at (ISO "
                            "8601); default: each submission folder's timestamp.txt, as nbgrader writes it")
    _deadline_option(batch)
    _notebook_cells(batch)
    _course_options(batch)
    batch.set_defaults(run=run_batch)

    report = commands.add_parser("report", help="write the class report of a batch's OUT into OUT (instructors)")
    report.add_argument("out", type=Path, help="the --out folder of `autograder batch`")
    _course_options(report, assignment=False)
    report.set_defaults(run=run_report)

    similarity = commands.add_parser("similarity", help="pairwise code similarity of a batch's OUT, per exercise "
                                                        "(instructors)")
    similarity.add_argument("out", type=Path, help="the --out folder of `autograder batch`")
    similarity.add_argument("--reference", type=Path, nargs="+", default=[], metavar="DIR",
                            help="also compare with these: earlier semesters' batch outputs, folders of submissions, "
                                 "or a known solution's folder")
    similarity.add_argument("--jobs", type=int, default=None, help="processes comparing at once (default: cores)")
    _course_options(similarity, assignment=False)
    similarity.set_defaults(run=run_similarity)

    export = commands.add_parser("export", help="a gradebook Canvas or Moodle imports, from batch outputs (instructors)")
    export.add_argument("outs", type=Path, nargs="+", metavar="OUT",
                        help="the --out folder of `autograder batch`, one per assignment (one column each)")
    lms = export.add_mutually_exclusive_group(required=True)
    lms.add_argument("--canvas", type=Path, metavar="FILE.csv", help="write a CSV for Canvas's gradebook import")
    lms.add_argument("--moodle", type=Path, metavar="FILE.csv", help="write a CSV for Moodle's grade import")
    export.add_argument("--roster", type=Path, required=True, metavar="ROSTER.csv",
                        help="the gradebook CSV the LMS exported: Canvas's Grades > Export, Moodle's Grades > Export "
                             "> Plain text file")
    export.add_argument("--column", action="append", default=None, metavar="NAME",
                        help="the column of one OUT's grades, in the order of the OUTs (e.g. 'Homework 3 (48211)'); "
                             "default: the roster's column of the assignment's name, else a new one")
    export.add_argument("--out-of", type=float, default=None, metavar="POINTS",
                        help="rescale every total to this many points (Moodle refuses grades above 100 unless the "
                             "site allows unlimited grades)")
    export.set_defaults(run=run_export)

    release = commands.add_parser("release", help="write the student release into OUT (instructors)")
    release.add_argument("out", type=Path, help="a new or empty folder")
    _course_options(release)
    release.set_defaults(run=run_release)

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder bundle (instructors)")
    gradescope.add_argument("zip", type=Path, help="the .zip to write, to upload to Gradescope")
    _course_options(gradescope)
    gradescope.set_defaults(run=run_gradescope)

    nbgrader = commands.add_parser("nbgrader", help="grade an nbgrader course's submissions into its gradebook")
    nbgrader.add_argument("course_dir", type=Path, help="the nbgrader course folder (with nbgrader_config.py)")
    nbgrader.add_argument("nbgrader_assignment", metavar="assignment",
                          help="the nbgrader assignment, as released with `nbgrader generate_assignment`")
    nbgrader.add_argument("--student", action="append", help="grade only this student (repeatable)")
    _notebook_cells(nbgrader)
    _course_options(nbgrader, assignment_help="grade only the exercises of this assignment of the grader's course "
                                              "(default: every exercise the nbgrader assignment has a notebook for)")
    nbgrader.set_defaults(run=run_nbgrader)

    validate = commands.add_parser("validate", help="check a course's rubrics, reference, stubs and catalogue (CI)")
    validate.add_argument("--strict", action="store_true",
                          help="fail also when an exercise misses a quality goal (catalogued bugs, correct modules)")
    _course_options(validate, assignment_help="validate only this assignment's exercises (default: every exercise "
                                              "of the course)")
    validate.set_defaults(run=run_validate)

    new = commands.add_parser("new-exercise", help="write the skeleton of a new exercise of a course (instructors)")
    new.add_argument("name", help="the exercise's name, a Python module name such as affine or layer_norm")
    new.add_argument("--course", type=Path, default=None,
                     help="the course folder (created if it does not exist; default: the built-in course)")
    new.set_defaults(run=run_new_exercise)

    doctor = commands.add_parser("doctor", help="what isolation this machine gives the sandbox, and how to fix what "
                                                "is missing (exit status 1 when the sandbox cannot be used)")
    doctor.set_defaults(run=run_doctor)
    return parser


def _deadline_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deadline", type=_time, metavar="TIME",
                        help="the deadline, ISO 8601 with its offset (2025-03-07T23:59:00+01:00); default: the "
                             "assignment's in course.yaml (deadlines)")


def _time(text: str):
    from autograder.course.late import LateError, parse_time

    try:
        return parse_time(text, "the time")
    except LateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _notebook_cells(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notebook-cells", choices=NOTEBOOK_CELLS, default="solution", help=NOTEBOOK_CELLS_HELP)


def _course_options(parser: argparse.ArgumentParser, assignment: bool = True,
                    assignment_help: str = "the assignment to grade (default: the course's default; all: every "
                                           "exercise)") -> None:
    parser.add_argument("--course", type=Path, default=None,
                        help=f"the course folder (default: ${COURSE_ENV}, else the built-in course)")
    if assignment:
        parser.add_argument("--assignment", default=None, help=assignment_help)


def _course(args) -> Course:
    """The course the command works on; its assignment, when given, is checked to exist."""
    course = load_course(args.course)
    if getattr(args, "assignment", None):
        course.assignment(args.assignment)
    return course


def run_check(args) -> int:
    course = _course(args)
    folder = args.dir or (Path("exercises") if Path("exercises").is_dir() else course.stubs_dir)
    return _grade_and_report(folder, course, args, mode="check")


def run_grade(args) -> int:
    return _grade_and_report(args.submission, _course(args), args, mode="grade")


def _grade_and_report(submission: Path, course: Course, args, mode: str) -> int:
    from autograder.course.rubric import RubricError
    from autograder.judge.grading import grade
    from autograder.reports import write_gradescope, write_html, write_json, write_markdown
    from autograder.reports.json_report import to_json_text
    from autograder.reports.terminal import print_result
    from autograder.sandbox.staging import SubmissionError

    if not submission.exists():
        err.print(f"[red]error:[/red] {terminal(str(submission))} does not exist (expected a folder, a .zip or a .ipynb)")
        return 2
    out = getattr(args, "out", None)
    try:
        result = grade(submission, course=course, assignment=args.assignment, mode=mode, identity=getattr(args, "identity", None),
                       notebook_cells=args.notebook_cells)
    except (RubricError, SubmissionError, NotRecorded) as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    if mode == "grade":
        _apply_late_policy(result, submission, course, args)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        write_json(result, out / "report.json")
        write_markdown(result, out / "feedback.md")
        write_html(result, out / "feedback.html")
        write_gradescope(result, out / "results.json")
    if args.json:
        sys.stdout.write(to_json_text(result) + "\n")
    else:
        print_result(result, Console(), details=args.details)
        if out:
            Console().print(f"Reports written to {terminal(str(out))}/ (report.json, feedback.md, feedback.html, "
                            f"results.json)")
    return 0


def _apply_late_policy(result, submission: Path, course: Course, args) -> None:
    """Record the lateness of a graded submission, when its time and deadline are known."""
    from autograder.course.late import LateError, lateness, nbgrader_timestamp

    try:
        when = args.submitted_at or (nbgrader_timestamp(submission) if submission.is_dir() else None)
    except LateError as error:
        raise CourseError(str(error)) from None
    deadline = args.deadline or course.deadline(args.assignment)
    if when and deadline:
        result.late = lateness(result.raw_score, when, deadline, course.late_policy)


def run_batch(args) -> int:
    from autograder.course.late import LateError, read_submission_times
    from autograder.integrations.batch import BatchError
    from autograder.integrations.batch import run_batch as batch

    if not args.dir.is_dir():
        err.print(f"[red]error:[/red] {terminal(str(args.dir))} is not a folder of submissions")
        return 2
    try:
        times = read_submission_times(args.submission_times) if args.submission_times else None
        summary = batch(args.dir, args.out, jobs=args.jobs, notebook_cells=args.notebook_cells, course=_course(args),
                        assignment=args.assignment, only=args.only, force=args.force, roster=args.roster,
                        scheduler=args.scheduler, submitted=times, deadline=args.deadline)
    except (BatchError, LateError) as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    out = Console()
    out.print(f"Graded {summary.graded}, skipped {summary.skipped} already graded, {summary.errors} could not "
              f"be graded, in {summary.seconds:.1f} s. Gradebook: {terminal(str(summary.gradebook))}")
    if summary.failures:
        out.print(f"[red]Could not be graded ({len(summary.failures)}):[/red]")
        for name, reason in summary.failures:
            out.print(f"  {terminal(name)}: {terminal(reason)}")
    if summary.pending:
        out.print(f"Not in the gradebook ({len(summary.pending)}, new or changed, not selected by --only): "
                  + terminal(", ".join(summary.pending)))
    return 0


def run_report(args) -> int:
    from autograder.reports.classreport import ClassReportError, write_class_report

    try:
        report = write_class_report(args.out, _course(args))
    except ClassReportError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    Console().print(f"Class report of {report.submissions} submissions written to {report.page}, with "
                    f"{len(report.csvs)} CSV files in {report.page.parent / 'criteria'}/")
    return 0


def run_similarity(args) -> int:
    from autograder.reports.similarity import SimilarityError, write_similarity

    try:
        report = write_similarity(args.out, _course(args), args.reference, jobs=args.jobs)
    except SimilarityError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    top = report.pairs[0] if report.pairs else None
    Console().print(f"Compared {report.submissions} submissions ({', '.join(report.exercises)})"
                    + (f" and {report.references} reference source(s)" if report.references else "")
                    + f": {len(report.pairs)} pairs share code. {report.csv}, {report.page}"
                    + (f"\nMost similar: {terminal(top.a)} and {terminal(top.b)} on {top.exercise} ({top.similarity:.2f})"
                       if top else ""))
    return 0


def run_export(args) -> int:
    from autograder.integrations.lms import ExportError, export_grades

    target, system = (args.canvas, "canvas") if args.canvas else (args.moodle, "moodle")
    try:
        done = export_grades(args.outs, args.roster, target, system, columns=args.column, out_of=args.out_of)
    except ExportError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    for item in done.unmatched:
        err.print(f"[yellow]not exported:[/yellow] {item.kind} {terminal(item.name)} ({terminal(item.identity)}), "
                  f"{terminal(item.assignment)}: {terminal(item.reason)}")
    for warning in done.warnings:
        err.print(f"[yellow]warning:[/yellow] {terminal(warning)}")
    Console().print(f"{done.graded} students' grades written to {done.path} (columns: {', '.join(done.columns)}); "
                    f"{len(done.unmatched)} not exported, listed in {done.unmatched_path}")
    return 0


def run_release(args) -> int:
    from autograder.integrations.release import ReleaseError, build_release

    try:
        out = build_release(args.out, _course(args), args.assignment)
    except ReleaseError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    Console().print(f"Student release written to {out}/: exercises/, notebooks/, the public cases, README.md. "
                    f"It holds no reference, hidden case or secret.")
    return 0


def run_gradescope(args) -> int:
    from autograder.integrations.gradescope import build_bundle

    if args.zip.suffix != ".zip":
        err.print(f"[red]error:[/red] {terminal(str(args.zip))}: expected a path ending in .zip for the Gradescope bundle")
        return 2
    bundle = build_bundle(args.zip, _course(args), args.assignment)
    Console().print(f"Gradescope autograder written to {bundle}: upload it as the assignment's autograder "
                    f"(Ubuntu base image).")
    return 0


def run_nbgrader(args) -> int:
    from autograder.integrations.nbgrader import NbgraderError, grade_assignment

    try:
        graded = grade_assignment(args.course_dir, args.nbgrader_assignment, students=args.student,
                                  notebook_cells=args.notebook_cells, course=_course(args), exercises=args.assignment)
    except NbgraderError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    for student, result in graded.items():
        Console().print(f"{terminal(student)}: {result.score:g} / {result.max_score:g}")
    Console().print(f"Scores of {len(graded)} submission(s) written to the gradebook of {args.course_dir}; "
                    f"feedback in feedback/<student>/{args.nbgrader_assignment}/")
    return 0


def run_validate(args) -> int:
    from autograder.judge.validate import validate

    return 0 if validate(Console(), _course(args), strict=args.strict, assignment=args.assignment) else 1


def run_new_exercise(args) -> int:
    from autograder.course.scaffold import ScaffoldError, new_exercise

    try:
        written = new_exercise(args.name, args.course)
    except ScaffoldError as error:
        err.print(f"[red]error:[/red] {terminal(str(error))}")
        return 2
    for path in written:
        Console().print(f"wrote {path}")
    course = f" --course {args.course}" if args.course else ""
    Console().print(f"Next: run `autograder validate{course}`; it says, step by step, what is left to write.")
    return 0


def run_doctor(args) -> int:
    from autograder.sandbox.doctor import diagnose

    diagnosis = diagnose()
    print(diagnosis.text())
    return 0 if diagnosis.usable else 1


if __name__ == "__main__":
    sys.exit(main())
