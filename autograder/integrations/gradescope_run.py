"""What a Gradescope bundle's ``run_autograder`` runs: grade one submission into ``results.json``.

``python -m autograder.integrations.gradescope_run ROOT`` grades ``ROOT/submission`` (public and hidden cases,
in the sandbox) as the student named in ``ROOT/submission_metadata.json``, with the bundle's
secret, and writes Gradescope's ``ROOT/results/results.json`` (see
:mod:`autograder.reports.gradescope`). On Gradescope, ``ROOT`` is ``/autograder``. A submission
that cannot be read at all still gets a ``results.json``: a zero that says why.

The late policy of the bundled course applies: the submission time is the metadata's
``created_at``, the deadline the course's (``deadlines`` in ``course.yaml``), else the
assignment's ``due_date`` in the metadata.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from autograder.course.late import LateError, lateness, parse_time
from autograder.course.model import load_course
from autograder.integrations.gradescope import ASSIGNMENT_FILE, SECRET_FILE
from autograder.judge.grading import grade
from autograder.reports.gradescope import write_gradescope
from autograder.results import ExerciseResult, SubmissionResult
from autograder.sandbox.staging import SubmissionError


def run(root: Path) -> SubmissionResult:
    """Grade ``root/submission`` and write ``root/results/results.json``; return the result."""
    key = root / "source" / SECRET_FILE
    if key.is_file() and not os.environ.get("AUTOGRADER_SECRET"):
        os.environ["AUTOGRADER_SECRET_FILE"] = str(key)
    identity = gradescope_identity(root / "submission_metadata.json")
    course = load_course()
    chosen = root / "source" / ASSIGNMENT_FILE
    assignment = chosen.read_text().strip() if chosen.is_file() else None
    try:
        result = grade(root / "submission", course=course, assignment=assignment, identity=identity)
    except SubmissionError as error:
        result = SubmissionResult(identity, [ExerciseResult(name, note=f"could not be graded: {error}")
                                             for name in course.assignment(assignment)], status="error")
    result.submission = identity
    submitted, due = gradescope_times(root / "submission_metadata.json")
    deadline = course.deadline(assignment) or due
    if submitted and deadline and result.status != "error":
        result.late = lateness(result.raw_score, submitted, deadline, course.late_policy)
    write_gradescope(result, root / "results" / "results.json")
    return result


def gradescope_times(metadata: Path) -> tuple[datetime | None, datetime | None]:
    """When the submission was made (``created_at``) and the assignment's ``due_date``, from Gradescope's
    submission metadata; None for what is missing or unreadable."""
    try:
        data = json.loads(metadata.read_text())
    except (OSError, ValueError):
        return None, None

    def time(value, where: str) -> datetime | None:
        try:
            return parse_time(value, where) if isinstance(value, str) and value else None
        except LateError:
            return None

    assignment = data.get("assignment") if isinstance(data, dict) else None
    due = assignment.get("due_date") if isinstance(assignment, dict) else None
    return (time(data.get("created_at") if isinstance(data, dict) else None, "created_at"),
            time(due, "assignment.due_date"))


def gradescope_identity(metadata: Path) -> str:
    """Who submitted, from Gradescope's submission metadata: the users' ids, joined by ``+``.

    The id stays the same across a student's resubmissions, so their hidden cases do too. Without
    readable metadata the identity is ``submission``.
    """
    try:
        users = json.loads(metadata.read_text()).get("users") or []
        ids = sorted(str(user.get("id") or user.get("email")) for user in users)
    except (OSError, ValueError, AttributeError):
        ids = []
    return "+".join(ids) or "submission"


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.integrations.gradescope_run [ROOT]`` (default ``/autograder``)."""
    argv = sys.argv[1:] if argv is None else argv
    result = run(Path(argv[0] if argv else "/autograder"))
    print(f"{result.submission}: {result.score:g} / {result.max_score:g} ({result.status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
