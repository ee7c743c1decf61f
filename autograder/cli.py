"""The ``autograder`` command line: one sub-command per user task (see ``autograder --help``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from autograder.course import STUBS_DIR
from autograder.replay import NotRecorded, StudentReleaseError, is_student_release
from autograder.submission import NOTEBOOK_CELLS

DESCRIPTION = """\
Grade numpy implementations of CNN and RNN layers (conv, pooling, rnn, lstm, dropout,
batchnorm, residual) against reference solutions, in a sandbox, with hidden cases.

students:     autograder check [DIR]             public cases, feedback in the terminal
instructors:  autograder grade SUBMISSION        public and hidden cases (--json for the report)
              autograder batch DIR --out OUT     a whole class in parallel: gradebook CSV, reports
              autograder report OUT              the class report of a batch: HTML with plots, CSV per criterion
              autograder release OUT             the student release: stubs, notebooks, public cases
              autograder gradescope ZIP          a Gradescope autograder bundle
              autograder nbgrader COURSE ASSIGN  grade an nbgrader course's submissions into its gradebook
CI:           autograder validate                rubrics valid, reference full marks, stubs zero, mutation score
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
    if args.command != "check" and is_student_release():
        err.print(f"[red]error:[/red] {StudentReleaseError(f'run `autograder {args.command}`')}")
        return 2
    try:
        return args.run(args)
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
    check.add_argument("--notebook-cells", choices=NOTEBOOK_CELLS, default="solution", help=NOTEBOOK_CELLS_HELP)
    check.set_defaults(run=run_check)

    grade = commands.add_parser("grade", help="grade one submission on public and hidden cases (instructors)")
    grade.add_argument("submission", type=Path, help="a folder, a .zip, or a .ipynb notebook")
    grade.add_argument("--json", action="store_true", help="print only the JSON report on standard output")
    grade.add_argument("--identity", help="who the submission belongs to (seeds hidden cases; default: its name)")
    grade.add_argument("--out", type=Path, help="also write report.json, feedback.md, feedback.html and "
                                                "results.json (Gradescope) into this folder")
    grade.add_argument("--verbose", action="store_true", help="show every failed criterion, also of missing files")
    grade.add_argument("--notebook-cells", choices=NOTEBOOK_CELLS, default="solution", help=NOTEBOOK_CELLS_HELP)
    grade.set_defaults(run=run_grade)

    batch = commands.add_parser("batch", help="grade every submission in DIR into OUT, in parallel (instructors)")
    batch.add_argument("dir", type=Path, help="a folder of submissions (folders, .zip files, notebooks)")
    batch.add_argument("--out", type=Path, required=True, help="where the gradebook and reports go")
    batch.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    batch.add_argument("--notebook-cells", choices=NOTEBOOK_CELLS, default="solution", help=NOTEBOOK_CELLS_HELP)
    batch.set_defaults(run=run_batch)

    report = commands.add_parser("report", help="write the class report of a batch's OUT into OUT (instructors)")
    report.add_argument("out", type=Path, help="the --out folder of `autograder batch`")
    report.set_defaults(run=run_report)

    release = commands.add_parser("release", help="write the student release into OUT (instructors)")
    release.add_argument("out", type=Path, help="a new or empty folder")
    release.set_defaults(run=run_release)

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder bundle (instructors)")
    gradescope.add_argument("zip", type=Path, help="the .zip to write, to upload to Gradescope")
    gradescope.set_defaults(run=run_gradescope)

    nbgrader = commands.add_parser("nbgrader", help="grade an nbgrader course's submissions into its gradebook")
    nbgrader.add_argument("course_dir", type=Path, help="the nbgrader course folder (with nbgrader_config.py)")
    nbgrader.add_argument("assignment", help="the assignment, as released with `nbgrader generate_assignment`")
    nbgrader.add_argument("--student", action="append", help="grade only this student (repeatable)")
    nbgrader.add_argument("--notebook-cells", choices=NOTEBOOK_CELLS, default="solution", help=NOTEBOOK_CELLS_HELP)
    nbgrader.set_defaults(run=run_nbgrader)

    validate = commands.add_parser("validate", help="check rubrics, reference and stubs are consistent (CI)")
    validate.set_defaults(run=run_validate)
    return parser


def run_check(args) -> int:
    folder = args.dir or (Path("exercises") if Path("exercises").is_dir() else STUBS_DIR)
    return _grade_and_report(folder, mode="check", as_json=args.json, notebook_cells=args.notebook_cells)


def run_grade(args) -> int:
    return _grade_and_report(args.submission, mode="grade", as_json=args.json, identity=args.identity,
                             out=args.out, verbose=args.verbose, notebook_cells=args.notebook_cells)


def _grade_and_report(submission: Path, mode: str, as_json: bool, identity: str | None = None,
                      out: Path | None = None, verbose: bool = False, notebook_cells: str = "solution") -> int:
    from autograder.grading import grade
    from autograder.reports import write_gradescope, write_html, write_json, write_markdown
    from autograder.reports.json_report import to_json_text
    from autograder.reports.terminal import print_result
    from autograder.rubric import RubricError
    from autograder.submission import SubmissionError

    if not submission.exists():
        err.print(f"[red]error:[/red] {submission} does not exist (expected a folder, a .zip or a .ipynb)")
        return 2
    try:
        result = grade(submission, mode=mode, identity=identity, notebook_cells=notebook_cells)
    except (RubricError, SubmissionError, NotRecorded) as error:
        err.print(f"[red]error:[/red] {error}")
        return 2
    if out:
        out.mkdir(parents=True, exist_ok=True)
        write_json(result, out / "report.json")
        write_markdown(result, out / "feedback.md")
        write_html(result, out / "feedback.html")
        write_gradescope(result, out / "results.json")
    if as_json:
        sys.stdout.write(to_json_text(result) + "\n")
    else:
        print_result(result, Console(), verbose=verbose)
        if out:
            Console().print(f"Reports written to {out}/ (report.json, feedback.md, feedback.html, results.json)")
    return 0


def run_batch(args) -> int:
    from autograder.batch import run_batch as batch

    if not args.dir.is_dir():
        err.print(f"[red]error:[/red] {args.dir} is not a folder of submissions")
        return 2
    summary = batch(args.dir, args.out, jobs=args.jobs, notebook_cells=args.notebook_cells)
    Console().print(f"Graded {summary.graded}, skipped {summary.skipped} already graded, {summary.errors} could not "
                    f"be graded, in {summary.seconds:.1f} s. Gradebook: {summary.gradebook}")
    return 0


def run_report(args) -> int:
    from autograder.classreport import ClassReportError, write_class_report

    try:
        report = write_class_report(args.out)
    except ClassReportError as error:
        err.print(f"[red]error:[/red] {error}")
        return 2
    Console().print(f"Class report of {report.submissions} submissions written to {report.page}, with "
                    f"{len(report.csvs)} CSV files in {report.page.parent / 'criteria'}/")
    return 0


def run_release(args) -> int:
    from autograder.release import ReleaseError, build_release

    try:
        out = build_release(args.out)
    except ReleaseError as error:
        err.print(f"[red]error:[/red] {error}")
        return 2
    Console().print(f"Student release written to {out}/: exercises/, notebooks/, the public cases, README.md. "
                    f"It holds no reference, hidden case or secret.")
    return 0


def run_gradescope(args) -> int:
    from autograder.gradescope_bundle import build_bundle

    if args.zip.suffix != ".zip":
        err.print(f"[red]error:[/red] {args.zip}: expected a path ending in .zip for the Gradescope bundle")
        return 2
    bundle = build_bundle(args.zip)
    Console().print(f"Gradescope autograder written to {bundle}: upload it as the assignment's autograder "
                    f"(Ubuntu base image).")
    return 0


def run_nbgrader(args) -> int:
    from autograder.nbgrader_bridge import NbgraderError, grade_assignment

    try:
        graded = grade_assignment(args.course_dir, args.assignment, students=args.student,
                                  notebook_cells=args.notebook_cells)
    except NbgraderError as error:
        err.print(f"[red]error:[/red] {error}")
        return 2
    for student, result in graded.items():
        Console().print(f"{student}: {result.score:g} / {result.max_score:g}")
    Console().print(f"Scores of {len(graded)} submission(s) written to the gradebook of {args.course_dir}; "
                    f"feedback in feedback/<student>/{args.assignment}/")
    return 0


def run_validate(args) -> int:
    from autograder.validate import validate

    return 0 if validate(Console()) else 1


if __name__ == "__main__":
    sys.exit(main())
