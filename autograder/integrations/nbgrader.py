"""``autograder nbgrader COURSE_DIR ASSIGNMENT``: grade an nbgrader course with the sandboxed grader.

nbgrader's own autograder runs hidden tests inside the student's kernel, where a student can read
or disable them, and its feedback shows them. This bridge keeps nbgrader's course folder, gradebook
and exports and replaces only the grading: each submission in nbgrader's layout
(``submitted/<student>/<assignment>/*.ipynb``) is graded by :func:`autograder.grading.grade` on
public and hidden cases, the hidden ones seeded by the student's id. Through nbgrader's own API,
every criterion entry becomes a grade cell of its exercise's notebook (named after the entry, with
the entry's points), and the student's score on it is that cell's grade, so ``nbgrader export`` and
the formgrader show the scores. The student's feedback, our HTML report with no hidden value,
goes to ``feedback/<student>/<assignment>/<notebook>.html``, where nbgrader's feedback goes.

Late submissions follow nbgrader's own rules, as ``nbgrader autograde`` would apply them: the
submission's time is nbgrader's timestamp (``timestamp.txt``), its deadline the assignment's due
date in the gradebook (with the student's extension), and the penalty of each notebook is what
the course's ``AssignLatePenalties.plugin_class`` (nbgrader's ``LateSubmissionPlugin`` by default,
with its ``penalty_method``) returns, clamped to [0, the notebook's score] as nbgrader does. It is
stored as the notebook's ``late_submission_penalty``, so ``nbgrader export`` and the formgrader
show it, and our feedback shows the same penalty. The grader's own ``late_policy`` does not apply.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path

from autograder.course.late import format_time
from autograder.course.model import Course, load_course
from autograder.course.rubric import load_rubrics
from autograder.judge.grading import grade
from autograder.reports.html import write_html
from autograder.results import Lateness, SubmissionResult
from autograder.sandbox.staging import NotebookCells, notebook_exercise

try:
    from nbgrader.api import Grade, Gradebook, MissingEntry, SubmittedAssignment, SubmittedNotebook
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.plugins import LateSubmissionPlugin
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config.loader import Config, PyFileConfigLoader
except ImportError:  # the `nbgrader` extra is not installed: grade_assignment says so
    Gradebook = None


class NbgraderError(RuntimeError):
    """The course cannot be graded: nbgrader is missing, or the course or assignment is not set up."""


def grade_assignment(course_dir: Path, assignment: str, students: list[str] | None = None,
                     notebook_cells: NotebookCells = "solution", course: Course | None = None,
                     exercises: str | None = None) -> dict[str, SubmissionResult]:
    """Grade every submission of ``assignment`` and write the scores into the course's gradebook.

    Parameters
    ----------
    course_dir : Path
        The nbgrader course folder (its ``nbgrader_config.py`` is read when present).
    assignment : str
        An assignment released with ``nbgrader generate_assignment``.
    students : list of str, optional
        Grade only these students; default: every student with a submission.
    notebook_cells : {"solution", "all"}
        Which cells of the notebooks are graded.
    course : Course, optional
        The grader's course (default: :func:`~autograder.course.model.load_course`).
    exercises : str, optional
        One of the course's assignments: grade only its exercises; default: every exercise of the
        course that the nbgrader assignment has a notebook for.

    Returns
    -------
    dict
        Each graded student's result, by student id.

    Raises
    ------
    NbgraderError
        When nbgrader is not installed, the course has no gradebook, or the assignment is not in it.
    """
    if Gradebook is None:
        raise NbgraderError("nbgrader is not installed: expected `pip install 'dl-autograder[nbgrader]'`")
    course = course or load_course()
    coursedir = _course_directory(Path(course_dir))
    results = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        notebooks = _assignment_notebooks(gradebook, assignment, course_dir, course)
        chosen = course.assignment(exercises) if exercises else course.names
        rubrics = load_rubrics(course, tuple(e for e in chosen if e in notebooks))
        for student, folder in _submissions(coursedir, assignment, students):
            result = grade(folder, rubrics, course=course, identity=student, notebook_cells=notebook_cells)
            result.submission = f"{student}/{assignment}"
            _record(gradebook, assignment, student, coursedir.get_existing_timestamp(str(folder)), notebooks, result)
            penalties = _late_penalties(gradebook, coursedir, assignment, student, notebooks, result)
            _write_feedback(Path(coursedir.format_path(coursedir.feedback_directory, student, assignment)),
                            notebooks, result, penalties)
            results[student] = result
    return results


def _course_directory(course_dir: Path) -> CourseDirectory:
    """nbgrader's view of the course folder, with its ``nbgrader_config.py``.

    Raises
    ------
    NbgraderError
        When the course has no gradebook database yet.
    """
    config = Config()
    if (course_dir / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    coursedir = CourseDirectory(config=config)
    if "root" not in config.get("CourseDirectory", {}):
        coursedir.root = str(course_dir.resolve())
    database = coursedir.db_url.removeprefix("sqlite:///")
    if coursedir.db_url.startswith("sqlite:///") and not Path(database).is_file():
        raise NbgraderError(f"{course_dir}: no gradebook at {database}; expected an nbgrader course where "
                            f"`nbgrader generate_assignment` has been run")
    return coursedir


def _assignment_notebooks(gradebook: Gradebook, assignment: str, course_dir: Path, course: Course) -> dict[str, str]:
    """The assignment's notebooks named after an exercise, as {exercise: notebook name}.

    Raises
    ------
    NbgraderError
        When the assignment is not in the gradebook or none of its notebooks is an exercise's.
    """
    try:
        names = [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]
    except MissingEntry:
        raise NbgraderError(f"{course_dir}: no assignment {assignment!r} in the gradebook; expected "
                            f"`nbgrader generate_assignment {assignment}` to have been run") from None
    notebooks = {notebook_exercise(Path(f"{name}.ipynb"), course.names): name for name in sorted(names)}
    notebooks.pop(None, None)
    if not notebooks:
        raise NbgraderError(f"{course_dir}: assignment {assignment!r} has the notebooks {sorted(names)}; expected "
                            f"at least one named after an exercise ({', '.join(course.names)}), e.g. "
                            f"01_{course.names[0]}.ipynb")
    return notebooks


def _submissions(coursedir: CourseDirectory, assignment: str, students: list[str] | None) -> Iterator[tuple[str, Path]]:
    """(student id, folder) of every submission of ``assignment`` in nbgrader's submitted layout."""
    pattern = coursedir.format_path(coursedir.submitted_directory, "(?P<student_id>[^/]+)", re.escape(assignment),
                                    escape=True)
    for folder in sorted(glob.glob(coursedir.format_path(coursedir.submitted_directory, "*", glob.escape(assignment)))):
        match = re.fullmatch(pattern, folder)
        if match and Path(folder).is_dir() and (students is None or match["student_id"] in students):
            yield match["student_id"], Path(folder)


def _record(gradebook: Gradebook, assignment: str, student: str, timestamp, notebooks: dict[str, str],
            result: SubmissionResult) -> None:
    """Write every criterion entry's score as the grade of its grade cell, creating what is missing."""
    gradebook.update_or_create_student(student)
    for exercise in result.exercises:
        for entry in exercise.criteria:
            gradebook.update_or_create_grade_cell(entry.id, notebooks[exercise.name], assignment,
                                                  max_score=entry.max_score, cell_type="code")
    submission = gradebook.update_or_create_submission(assignment, student,
                                                       **({"timestamp": timestamp} if timestamp else {}))
    for exercise in result.exercises:
        submitted = _submitted_notebook(gradebook, submission, notebooks[exercise.name], assignment)
        for entry in exercise.criteria:
            cell = gradebook.find_grade_cell(entry.id, notebooks[exercise.name], assignment)
            row = next((g for g in submitted.grades if g.cell_id == cell.id), None)
            if row is None:
                row = Grade(cell_id=cell.id, notebook=submitted)
                gradebook.db.add(row)
            row.auto_score, row.needs_manual_grade = entry.score, False
    gradebook.db.commit()


def _late_penalties(gradebook: Gradebook, coursedir: CourseDirectory, assignment: str, student: str,
                    notebooks: dict[str, str], result: SubmissionResult) -> dict[str, float]:
    """Each notebook's late penalty under the course's nbgrader late policy, stored in the gradebook.

    Sets ``result.late`` (the total penalty) when the submission has a timestamp and a due date,
    and returns the penalty of each exercise's notebook (empty when not late).
    """
    submission = gradebook.find_submission(assignment, student)
    seconds = submission.total_seconds_late
    assigner = AssignLatePenalties(config=coursedir.config)
    assigner.init_plugin()
    plugin = assigner.plugin_inst
    penalties = {}
    for exercise in result.exercises:
        notebook = gradebook.find_submission_notebook(notebooks[exercise.name], assignment, student)
        notebook.late_submission_penalty = None
        penalty = plugin.late_submission_penalty(student, notebook.score, seconds) if seconds > 0 else None
        if penalty is not None:
            notebook.late_submission_penalty = penalties[exercise.name] = min(max(penalty, 0.0), notebook.score)
    gradebook.db.commit()
    if submission.timestamp is not None and submission.duedate is not None:
        result.late = Lateness(_utc(submission.timestamp), _utc(submission.duedate), seconds,
                               sum(penalties.values()), _rule(plugin))
    return penalties


def _utc(moment) -> str:
    """A time of nbgrader's gradebook (naive, in UTC) as the reports show times."""
    return format_time(moment.replace(tzinfo=timezone.utc))


def _rule(plugin) -> str:
    """The course's nbgrader late policy, in words."""
    if type(plugin) is LateSubmissionPlugin:
        return f"nbgrader's late policy, penalty method {plugin.penalty_method!r}"
    return f"nbgrader's late policy, {type(plugin).__module__}.{type(plugin).__name__}"


def _submitted_notebook(gradebook: Gradebook, submission: SubmittedAssignment, notebook: str,
                        assignment: str) -> SubmittedNotebook:
    """The student's copy of ``notebook`` in the gradebook, created if the submission predates it."""
    found = next((nb for nb in submission.notebooks if nb.name == notebook), None)
    if found is None:
        found = SubmittedNotebook(notebook=gradebook.find_notebook(notebook, assignment), assignment=submission)
        gradebook.db.add(found)
    return found


def _write_feedback(folder: Path, notebooks: dict[str, str], result: SubmissionResult,
                    penalties: dict[str, float]) -> None:
    """One HTML feedback page per notebook, for that notebook's exercise (no hidden case's values), with
    that notebook's late penalty."""
    for exercise in result.exercises:
        late = result.late
        if late is not None:
            late = Lateness(late.submitted, late.deadline, late.seconds_late, penalties.get(exercise.name, 0.0),
                            late.rule)
        page = SubmissionResult(result.submission, [exercise], mode=result.mode, sandbox=result.sandbox,
                                seconds=result.seconds, output=result.output, identity=result.identity, late=late)
        write_html(page, folder / f"{notebooks[exercise.name]}.html")
