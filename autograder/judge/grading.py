"""Grading one submission: stage it, run every criterion's cases in the worker, score the results.

This is where the pieces meet: :mod:`~autograder.sandbox.staging` stages the files,
:mod:`~autograder.judge.cases` makes the cases, :mod:`~autograder.judge.checks` runs them through a
:class:`~autograder.sandbox.runner.Runner`, and the outcome is one
:class:`~autograder.results.SubmissionResult` from which every report is written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from autograder.course.model import Course, load_course
from autograder.course.rubric import Criterion, Rubric, load_rubrics
from autograder.judge.cases import Case, Secret, load_secret, make_cases
from autograder.judge.checks import CHECKS, Context
from autograder.judge.oracle import ReferenceOracle
from autograder.judge.replay import ReplayOracle, StudentReleaseError, default_oracle
from autograder.results import CaseResult, CriterionResult, ExerciseResult, SubmissionResult
from autograder.sandbox.isolation import Sandbox
from autograder.sandbox.runner import Runner
from autograder.sandbox.staging import NotebookCells, Rules, stage

Mode = Literal["grade", "check"]


def grade(submission: Path, rubrics: list[Rubric] | None = None, mode: Mode = "grade", identity: str | None = None,
          secret: Secret | None = None, sandbox: Sandbox | None = None,
          oracle: ReferenceOracle | ReplayOracle | None = None, notebook_cells: NotebookCells = "solution",
          course: Course | None = None, assignment: str | None = None) -> SubmissionResult:
    """Grade a submission (folder, ``.zip`` or notebook) and return its result.

    Parameters
    ----------
    submission : Path
    rubrics : list of Rubric, optional
        Default: the rubrics of the assignment's exercises (given, they decide the exercises graded).
    mode : {"grade", "check"}
        ``check`` runs the public cases only.
    identity : str, optional
        Whose submission it is; seeds the hidden cases. Default: the submission's name.
    secret : Secret, optional
        Default: :func:`~autograder.cases.load_secret`; not needed in ``check`` mode.
    sandbox : Sandbox, optional
    oracle : ReferenceOracle or ReplayOracle, optional
        Default: :func:`~autograder.judge.replay.default_oracle` (recorded answers in the student release).
    notebook_cells : {"solution", "all"}
        Which cells of a notebook become the module (see :func:`~autograder.sandbox.staging.notebook_code`).
    course : Course, optional
        Default: :func:`~autograder.course.model.load_course` (``$AUTOGRADER_COURSE`` or the built-in course).
    assignment : str, optional
        Which of the course's assignments to grade; default: the course's default assignment.

    Raises
    ------
    StudentReleaseError
        When asked for hidden cases in the student release, which has none.
    """
    start = time.monotonic()
    course = course or load_course()
    oracle = oracle or default_oracle(course)
    if mode != "check" and isinstance(oracle, ReplayOracle):
        raise StudentReleaseError()
    rubrics = rubrics if rubrics is not None else load_rubrics(course, exercises=course.assignment(assignment))
    if secret is None and mode != "check":
        secret = load_secret()
    sandbox = sandbox or Sandbox()
    rules = Rules(course.names, course.forbidden, notebook_cells)
    with stage(submission, rules, identity) as staged, Runner(staged.path, sandbox, course.forbidden) as runner:
        grader = _Grader(runner, secret, staged.identity, mode, oracle, course)
        exercises = grader.grade(rubrics, staged.notes)
        output = grader.output()
    return SubmissionResult(str(submission), exercises, mode=mode, sandbox=sandbox.description,
                            seconds=round(time.monotonic() - start, 3), output=output, identity=staged.identity)


MAX_OUTPUT = 16000
"""The most printed output of public cases a report shows."""


class _Grader:
    """Runs the criteria of one submission, honouring ``requires``.

    Every public case of the course runs before any hidden one: the worker keeps the
    submission's module state between calls, so a hidden input seen by the submission must
    never reach a message of a later public case, which reports show in full.
    """

    def __init__(self, runner: Runner, secret: Secret | None, identity: str, mode: Mode, oracle, course: Course):
        self.runner, self.secret, self.identity, self.mode = runner, secret, identity, mode
        self.oracle, self.course = oracle, course
        self.visibilities = ("public",) if mode == "check" else ("public", "hidden")
        self.public_output: list[str] = []
        self.passed_any: dict[str, bool] = {}

    def grade(self, rubrics: list[Rubric], notes: dict) -> list[ExerciseResult]:
        """Grade every rubric: first all public cases, then all hidden ones."""
        results = [ExerciseResult(rubric.exercise, note=notes.get(rubric.exercise)) for rubric in rubrics]
        for visibility in self.visibilities:
            for rubric, result in zip(rubrics, results):
                for criterion in rubric.criteria:
                    entry = self._entry(rubric, criterion, visibility, result.note)
                    if entry is not None:
                        result.criteria.append(entry)
        for rubric, result in zip(rubrics, results):
            order = {c.id: n for n, c in enumerate(rubric.criteria)}
            result.criteria.sort(key=lambda e: (order[e.id.removesuffix(".hidden")], e.visibility == "hidden"))
            if result.note is None:
                self._explain_dependencies(result, results)
        return results

    def _entry(self, rubric: Rubric, criterion: Criterion, visibility: str, note: str | None):
        """The report entry of one criterion's public or hidden cases, or None if it has none."""
        cases = make_cases(criterion, visibility, self.secret, self.identity)
        if not cases:
            return None
        total = len(criterion.public) + len(criterion.hidden)
        entry = CriterionResult(criterion.id + ("" if visibility == "public" else ".hidden"),
                                criterion.description, visibility, criterion.points * len(cases) / total)
        entry.note = note or self._blocker(criterion, self.passed_any, rubric)
        if entry.note is None:
            entry.cases = [self._run(criterion, case) for case in cases]
            self.passed_any[criterion.id] = self.passed_any.get(criterion.id) or any(c.passed for c in entry.cases)
        return entry

    def _blocker(self, criterion: Criterion, passed_any: dict, rubric: Rubric) -> str | None:
        failed = [r for r in criterion.requires if not passed_any.get(r)]
        if not failed:
            return None
        names = {c.id: c.description for c in rubric.criteria}
        return ("Not credited yet: this criterion counts once your code passes at least one case of "
                + "; ".join(f"'{names[r]}'" for r in failed) + ".")

    def _run(self, criterion: Criterion, case: Case) -> CaseResult:
        before = len(self.runner.stdout_parts)
        try:
            result = CHECKS[criterion.kind](Context(criterion, self.runner, self.oracle, self.course), case)
        except Exception as error:  # whatever the submission returned, one case must not stop the grade
            detail = "" if case.hidden else f" ({type(error).__name__}: {str(error)[:300]})"
            result = CaseResult(case.label, False, f"the grader could not check what your code returned{detail}")
        if not case.hidden:
            self.public_output += self.runner.stdout_parts[before:]
        return result

    def _explain_dependencies(self, result: ExerciseResult, results: list[ExerciseResult]) -> None:
        """Say so when an exercise lost points and the module it builds on (conv for residual) did too."""
        if result.score >= result.max_score:
            return
        by_name = {r.name: r for r in results}
        for dependency in self.course.needs(result.name):
            problem = self.runner.import_errors.get(dependency)
            if problem:
                result.note = f"{result.name}.py uses your {dependency}.py, which could not be imported: {problem}"
            elif dependency in by_name and by_name[dependency].score < by_name[dependency].max_score:
                result.note = (f"{result.name}.py uses your {dependency}.py, which lost points too: "
                               f"fix {dependency} first, then look at {result.name} again.")

    def output(self) -> str:
        """What the submission printed during public cases (and, in check mode, to raw descriptors)."""
        text = "".join(self.public_output)
        if len(text) > MAX_OUTPUT:
            text = text[:MAX_OUTPUT] + f"\n... ({len(text) - MAX_OUTPUT} more characters not shown)\n"
        if self.mode == "check":
            text += self.runner.raw_output
        return text
