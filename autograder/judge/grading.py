"""Grading one submission: stage it, run every criterion's cases in the worker, score the results.

This is where the pieces meet: :mod:`~autograder.sandbox.staging` stages the files,
:mod:`~autograder.judge.cases` makes the cases, :mod:`~autograder.judge.checks` runs them through a
:class:`~autograder.sandbox.runner.Runner`, and the outcome is one
:class:`~autograder.results.SubmissionResult` from which every report is written.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Literal

from autograder.course.catalogue import misconception
from autograder.course.model import Course, load_course
from autograder.course.rubric import Criterion, Rubric, load_rubrics
from autograder.judge.cases import Case, Secret, load_secret, make_cases
from autograder.judge.checks import CHECKS, Context, vocabulary
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
          course: Course | None = None, assignment: str | None = None, hidden_only: bool = False) -> SubmissionResult:
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
    hidden_only : bool
        Run the hidden cases only, not the public ones (which depend on neither the secret nor the
        identity): a proof over many secrets runs the public cases once. The result has hidden entries only.

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
    if hidden_only and mode == "check":
        raise ValueError("hidden_only: check mode has no hidden cases")
    rubrics = rubrics if rubrics is not None else load_rubrics(course, exercises=course.assignment(assignment))
    if secret is None and mode != "check":
        secret = load_secret()
    sandbox = sandbox or Sandbox()
    graded = [rubric.exercise for rubric in rubrics if rubric.exercise in course.names]
    read = tuple(e for e in course.names if e in graded or any(e in course.needs(g) for g in graded))
    rules = Rules(course.names, course.forbidden, notebook_cells, read)
    deadline = start + sandbox.limits.submission_seconds
    with stage(submission, rules, identity, deadline=deadline) as staged, \
            Runner(staged.path, sandbox, course.forbidden, private_paths(course), deadline) as runner:
        grader = _Grader(runner, secret, staged.identity, mode, oracle, course, hidden_only)
        exercises = grader.grade(rubrics, staged.notes)
        output = grader.output()
        code = graded_code(staged.path, rubrics)
    return SubmissionResult(str(submission), exercises, mode=mode, sandbox=sandbox.description,
                            seconds=round(time.monotonic() - start, 3), output=output, identity=staged.identity,
                            code=code)


def graded_code(staged: Path, rubrics: list[Rubric]) -> dict[str, str]:
    """The modules of the rubrics' exercises in the ``staged`` folder, by file name (read, never run)."""
    modules = (staged / f"{rubric.exercise}.py" for rubric in rubrics)
    return {module.name: module.read_text(encoding="utf-8", errors="replace") for module in modules if module.is_file()}


def private_paths(course: Course) -> tuple[Path, ...]:
    """What a submission must never read: the course's reference, rubrics, catalogue, other correct modules and
    git history, and the secret's key file (the sandbox hides them; without it, they are taken from other users)."""
    paths = [course.reference_dir, course.rubrics_dir, course.catalogue_dir, course.correct_dir, course.root / ".git"]
    if os.environ.get("AUTOGRADER_SECRET_FILE"):
        paths.append(Path(os.environ["AUTOGRADER_SECRET_FILE"]))
    return tuple(path for path in paths if path.exists())


MAX_OUTPUT = 16000
"""The most printed output of public cases a report shows."""


class _Grader:
    """Runs the criteria of one submission, honouring ``requires``.

    Every public case of the course runs before any hidden one: the worker keeps the
    submission's module state between calls, so a hidden input seen by the submission must
    never reach a message of a later public case, which reports show in full.
    """

    def __init__(self, runner: Runner, secret: Secret | None, identity: str, mode: Mode, oracle, course: Course,
                 hidden_only: bool = False):
        self.runner, self.secret, self.identity, self.mode = runner, secret, identity, mode
        self.oracle, self.course = oracle, course
        self.visibilities = ("public",) if mode == "check" else ("hidden",) if hidden_only else ("public", "hidden")
        self.public_output: list[str] = []
        self.passed_any: dict[tuple[str, str], bool] = {}

    def grade(self, rubrics: list[Rubric], notes: dict) -> list[ExerciseResult]:
        """Grade every rubric: first all public cases, then all hidden ones; then apply the gates."""
        results = [ExerciseResult(rubric.exercise, note=notes.get(rubric.exercise)) for rubric in rubrics]
        for visibility in self.visibilities:
            self.runner.reveal = visibility == "public"
            for rubric, result in zip(rubrics, results):
                for criterion in rubric.criteria:
                    entry = self._entry(rubric, criterion, visibility, result.note)
                    if entry is not None:
                        result.criteria.append(entry)
        for rubric, result in zip(rubrics, results):
            self._close_gates(rubric, result)
            _keep_corroborated_diagnoses(rubric, result, self.course)
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
                                criterion.description, visibility, criterion.points * len(cases) / total,
                                kind=criterion.kind, function=criterion.function, compared=_compared(criterion),
                                advice=criterion.hint)
        entry.note = note or self._blocker(criterion, rubric)
        if entry.note is None:
            entry.cases = [self._run(criterion, case) for case in cases]
            self.passed_any[criterion.id, visibility] = any(c.passed for c in entry.cases)
        return entry

    def _blocker(self, criterion: Criterion, rubric: Rubric) -> str | None:
        """Why the criterion is not credited: a criterion it requires passed none of its cases of some kind so far.

        A criterion counts only once every criterion it requires has passed at least one of its
        public cases and at least one of its hidden ones (those it has): passing public cases, whose
        answers every student can see, does not open the gate of a hidden entry, and both entries of
        a criterion are gated alike.
        """
        failed = [r for r in criterion.requires
                  if any(self.passed_any.get((r, v)) is False for v in self.visibilities)]
        if not failed:
            return None
        names = {c.id: c.description for c in rubric.criteria}
        kinds = "public and one hidden case" if self.mode != "check" else "public case"
        return (f"Not credited yet: this criterion counts once your code passes at least one {kinds} of "
                + "; ".join(f"'{names[r]}'" for r in failed) + ".")

    def _close_gates(self, rubric: Rubric, result: ExerciseResult) -> None:
        """Block, after the hidden cases, the public entries whose gate a hidden part closed."""
        criteria = {c.id: c for c in rubric.criteria}
        for entry in result.criteria:
            criterion = criteria[entry.id.removesuffix(".hidden")]
            note = self._blocker(criterion, rubric) if entry.note is None else None
            if note:
                entry.note, entry.cases = note, []

    def _run(self, criterion: Criterion, case: Case) -> CaseResult:
        before = len(self.runner.stdout_parts)
        try:
            result = CHECKS[criterion.kind](Context(criterion, self.runner, self.oracle, self.course), case)
        except Exception as error:  # whatever the submission returned, one case must not stop the grade
            detail = "" if case.hidden else f" ({type(error).__name__}: {str(error)[:300]})"
            result = CaseResult(case.label, False, f"the grader could not check what your code returned{detail}",
                                failure=vocabulary.failed(criterion.function))
            if case.hidden:
                result.message = result.failure
        if not case.hidden:
            self.public_output += self.runner.stdout_parts[before:]
        result.features = self.course.exercise(criterion.spec.exercise).case_features(criterion.spec, case.params)
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


def _compared(criterion: Criterion) -> tuple[str, ...]:
    """The names of the values a criterion's cases compare (none known for a property)."""
    if criterion.kind == "forward":
        return tuple(criterion.outputs or criterion.spec.outputs)
    if criterion.kind in ("backward", "gradcheck"):
        return criterion.spec.gradient_names
    return ()


def _keep_corroborated_diagnoses(rubric: Rubric, result: ExerciseResult, course: Course) -> None:
    """Name a mistake only where the public cases of the exercise show it.

    A mistake recognised from the values of a public case stands, and so does one that raises
    exactly what the submission raised on every failed public case of the exercise (the public
    cases rule out the other bugs that raise the same error on one of them). Anywhere else (on a
    hidden case, or from one exception) it is named only if it also stands so: one exception says
    too little (different bugs raise the same error), and which of several bugs a submission
    mimics on a hidden case is the submission's choice, so it could carry the case's values; a
    mistake the public cases already show carries nothing new. A case whose first candidate does
    not stand names the next one that raises the same and stands; a dropped diagnosis leaves the
    criterion's standing hint.
    """
    shown = _shown_on_public_cases(rubric, result)
    hints = {c.id: c.hint for c in rubric.criteria}
    for entry in result.criteria:
        for case in entry.cases:
            corroborated = entry.visibility == "public" and case.evidence != "exception"
            if not case.misconception or corroborated or case.misconception in shown:
                continue
            standing = next((name for name in case.explaining if name in shown), None)
            if standing:
                bug = misconception(standing, course)
                case.misconception, case.title, case.hint = bug.id, bug.title, bug.hint
            else:
                case.misconception, case.title, case.evidence = None, None, None
                case.hint = hints[entry.id.removesuffix(".hidden")]


def _shown_on_public_cases(rubric: Rubric, result: ExerciseResult) -> set[str]:
    """The mistakes the public cases show: from values on one case, or from the exceptions of every failed
    case that diagnosis looks at (a gradient check compares with the submission's own forward, not the catalogue)."""
    public = [case for entry in result.criteria if entry.visibility == "public" for case in entry.cases]
    shown = {case.misconception for case in public if case.misconception and case.evidence != "exception"}
    diagnosed = {c.id for c in rubric.criteria if c.kind != "gradcheck"}
    failed = [case for entry in result.criteria if entry.visibility == "public" and entry.id in diagnosed
              for case in entry.cases if not case.passed]
    return shown | {name for case in failed for name in case.explaining
                    if all(name in other.explaining or name == other.misconception for other in failed)}
