"""``autograder validate``: a course's rubrics, reference solutions, stubs and catalogue agree.

It proves, in CI, what an instructor relies on: the course file, exercise files and rubrics
follow their schemas and each other; the stubs are what the generator makes from the reference;
the reference scores full marks on every public and hidden case; the stubs score zero with "not
implemented" messages; every other correct module the course keeps scores full marks; and the
rubrics are proven by mutation: every catalogued misconception, put into the reference, loses
points on its exercise and is diagnosed as itself (see :mod:`autograder.judge.mutation`).

It then reports the quality goals (catalogued bugs and other correct modules per exercise, and
``TODO`` left in an exercise's files), as the next steps for an exercise still being written; they
fail validation only with ``strict``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.course.catalogue import CatalogueError, load_catalogue
from autograder.course.model import Course, CourseError, load_course
from autograder.course.rubric import RubricError, load_rubrics
from autograder.course.stubs import stale_stubs
from autograder.judge.grading import grade
from autograder.judge.mutation import ExerciseScore, Mutant, run_alternatives, run_mutants, scores

TODO = "TODO"
"""The marker ``autograder new-exercise`` leaves where an instructor still has to write something."""


@dataclass(frozen=True)
class Step:
    """One thing left to do for an exercise to meet the course's quality goals."""

    exercise: str
    text: str


def validate(console: Console, course: Course | None = None, strict: bool = False,
             assignment: str | None = None) -> bool:
    """Run every consistency check of ``course``, print what each found, and say whether all passed.

    With ``strict``, unmet quality goals fail too (the built-in course's CI uses it). With
    ``assignment``, the rubrics, reference, correct modules, catalogue and goals of that
    assignment's exercises only (default: every exercise of the course); the stubs always all.
    """
    try:
        course = course or load_course()
        exercises = course.assignment(assignment) if assignment else course.names
        rubrics = load_rubrics(course, exercises)
    except (CourseError, RubricError) as error:
        console.print(f"[red]✗ course[/red]\n{escape(str(error))}")
        return False
    criteria = sum(len(r.criteria) for r in rubrics)
    cases = sum(len(c.public) + len(c.hidden) for r in rubrics for c in r.criteria)
    console.print(f"[green]✓[/green] {escape(course.title)}: {len(course.names)} exercises, "
                  f"{len(course.assignment_names)} assignments; {len(rubrics)} rubrics valid: {criteria} criteria, "
                  f"{cases} cases")
    checks = [_stubs_current(console, course), _reference_full_marks(console, course, rubrics),
              _stubs_score_zero(console, course, rubrics), _alternatives_full_marks(console, course, exercises)]
    proven, catalogue = _mutation_score(console, course, exercises)
    steps = [step for step in next_steps(course, catalogue) if step.exercise in exercises]
    _print_steps(console, steps, strict)
    return all(checks) and proven and not (strict and steps)


def _stubs_current(console: Console, course: Course) -> bool:
    stale = stale_stubs(course)
    if stale:
        console.print(f"[red]✗[/red] stubs out of date: {', '.join(stale)}; run "
                      f"`python -m autograder.course.stubs --course {course.root}`")
        return False
    console.print("[green]✓[/green] stubs are generated from the reference")
    return True


def _reference_full_marks(console: Console, course: Course, rubrics) -> bool:
    result = grade(course.reference_dir, rubrics, course=course, identity="validate")
    lost = [c for e in result.exercises for c in e.criteria if not c.passed]
    for criterion in lost:
        console.print(f"[red]✗[/red] reference loses points on {criterion.id}: {escape(criterion.message)}")
    if not lost:
        console.print(f"[green]✓[/green] reference scores {result.score:g} / {result.max_score:g} "
                      f"({result.seconds:.2f} s)")
    return not lost


def _stubs_score_zero(console: Console, course: Course, rubrics) -> bool:
    result = grade(course.stubs_dir, rubrics, course=course, identity="validate")
    ok = True
    for exercise in result.exercises:
        messages = " ".join(c.message for c in exercise.criteria)
        if exercise.score != 0:
            console.print(f"[red]✗[/red] stub of {exercise.name} scores {exercise.score:g}; expected 0")
            ok = False
        elif "not implemented" not in messages:
            console.print(f"[red]✗[/red] stub of {exercise.name} fails without saying 'not implemented'")
            ok = False
    if ok:
        console.print(f"[green]✓[/green] stubs score 0 / {result.max_score:g}, each saying 'not implemented'")
    return ok


def _alternatives_full_marks(console: Console, course: Course, exercises: tuple[str, ...]) -> bool:
    graded = run_alternatives(course, exercises=exercises)
    for alternative in graded:
        if not alternative.full_marks:
            console.print(f"[red]✗[/red] the correct module {alternative.path} loses points: "
                          f"{escape('; '.join(alternative.lost))}")
    if graded and all(a.full_marks for a in graded):
        console.print(f"[green]✓[/green] all {len(graded)} other correct modules score full marks")
    return all(a.full_marks for a in graded)


def _mutation_score(console: Console, course: Course, exercises: tuple[str, ...]) -> tuple[bool, dict]:
    """Every catalogued bug, put into the reference, loses points on its exercise and is diagnosed as itself."""
    try:
        catalogue = load_catalogue(course)
    except CatalogueError as error:
        console.print(f"[red]✗ misconception catalogue[/red]\n{escape(str(error))}")
        return False, {}
    bugs = [bug for exercise, found in catalogue.items() if exercise in exercises for bug in found]
    if not bugs:
        console.print("[yellow]![/yellow] no catalogued misconceptions: nothing is diagnosed yet")
        return True, catalogue
    start = time.monotonic()
    mutants = run_mutants(bugs, course)
    console.print(_score_table(scores(mutants, course), time.monotonic() - start))
    _print_mutants(console, mutants)
    escaped = [m for m in mutants if m.escaped]
    if not escaped:
        console.print(f"[green]✓[/green] mutation score 100%: all {len(mutants)} catalogued bugs lose points and "
                      f"are diagnosed")
    return not escaped, catalogue


def next_steps(course: Course, catalogue: dict) -> list[Step]:
    """What is left to do for each exercise: TODOs in its files, then its unmet quality goals, in order."""
    steps = []
    for name in course.names:
        files = [course.reference_dir / f"{name}.py", course.reference_dir / f"{name}.yaml",
                 course.rubrics_dir / f"{name}.yaml", course.catalogue_dir / f"{name}.yaml",
                 *sorted((course.catalogue_dir / name).glob("*.py"))]
        for file in files:
            lines = [n for n, line in enumerate(_lines(file), start=1) if TODO in line]
            if lines:
                steps.append(Step(name, f"{file.relative_to(course.root)} still has {TODO} at line(s) "
                                        f"{', '.join(map(str, lines))}: write what it asks for"))
        bugs, wanted = len(catalogue.get(name, ())), course.goals["misconceptions"]
        if bugs < wanted:
            steps.append(Step(name, f"{bugs} of {wanted} catalogued misconceptions: add "
                                    f"{course.paths['misconceptions']}/{name}/<bug>.py and its title and hint in "
                                    f"{course.paths['misconceptions']}/{name}.yaml"))
        styles, wanted = len(list((course.correct_dir / name).glob("*.py"))), course.goals["correct_styles"]
        if styles < wanted:
            steps.append(Step(name, f"{styles} of {wanted} other correct modules: add "
                                    f"{course.paths['correct']}/{name}/<style>.py, a correct solution written "
                                    f"another way (loops, another vectorization)"))
    return steps


def _lines(path) -> list[str]:
    return path.read_text().splitlines() if path.is_file() else []


def _print_steps(console: Console, steps: list[Step], strict: bool) -> None:
    if not steps:
        console.print("[green]✓[/green] every exercise meets the course's quality goals")
        return
    mark = "[red]✗[/red]" if strict else "[yellow]![/yellow]"
    console.print(f"{mark} next steps (quality goals; an exercise can be graded before it meets them):")
    for number, step in enumerate(steps, start=1):
        console.print(f"  {number}. {step.exercise}: {escape(step.text)}")


def _print_mutants(console: Console, mutants: list[Mutant]) -> None:
    """The bugs that escape, and the bugs also diagnosed as another one."""
    for mutant in mutants:
        if mutant.escaped:
            why = [what for what, ok in (("its exercise kept full marks", mutant.caught),
                                         ("no case was diagnosed as it", mutant.diagnosed)) if not ok]
            console.print(f"[red]✗[/red] {mutant.bug} escapes: {' and '.join(why)}")
        for other in mutant.others:
            listed = ("listed under alike in the catalogue" if other not in mutant.unexplained
                      else "not listed under alike in the catalogue: list it there, with the reason")
            console.print(f"[yellow]![/yellow] {mutant.bug} is diagnosed as {other} on some case, where the two "
                          f"bugs give the same results ({listed})")


def _score_table(exercise_scores: list[ExerciseScore], seconds: float) -> Table:
    table = Table(title=f"Mutation score ({seconds:.0f} s)", title_justify="left")
    for column in ("exercise", "bugs", "caught", "diagnosed", "mutation score"):
        table.add_column(column, justify="left" if column == "exercise" else "right")
    for row in exercise_scores:
        table.add_row(row.exercise, str(row.bugs), str(row.caught), str(row.diagnosed), f"{row.score:.0%}")
    total = sum(r.bugs for r in exercise_scores)
    proven = sum(r.proven for r in exercise_scores)
    table.add_row("total", str(total), str(sum(r.caught for r in exercise_scores)),
                  str(sum(r.diagnosed for r in exercise_scores)), f"{proven / total:.0%}" if total else "-")
    return table
