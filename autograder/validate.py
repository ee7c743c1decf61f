"""``autograder validate``: the rubrics, the reference solutions and the stubs agree.

It proves, in CI, what an instructor relies on: every rubric follows the schema and the course,
the stubs are what the generator makes from the reference, the reference scores full marks on
every public and hidden case, the stubs score zero with "not implemented" messages, and the
rubrics are proven by mutation: every catalogued misconception, put into the reference, loses
points on its exercise and is diagnosed as itself (see :mod:`autograder.mutation`).
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.table import Table

from autograder.course import EXERCISES, REFERENCE_DIR, STUBS_DIR
from autograder.grading import grade
from autograder.misconceptions import CatalogueError, load_catalogue
from autograder.mutation import ExerciseScore, Mutant, run_mutants, scores
from autograder.rubric import RubricError, load_rubrics
from autograder.stubs import stale_stubs


def validate(console: Console) -> bool:
    """Run every consistency check, print what each found, and say whether all passed."""
    try:
        rubrics = load_rubrics()
    except RubricError as error:
        console.print(f"[red]✗ rubrics[/red]\n{error}")
        return False
    criteria = sum(len(r.criteria) for r in rubrics)
    cases = sum(len(c.public) + len(c.hidden) for r in rubrics for c in r.criteria)
    console.print(f"[green]✓[/green] {len(rubrics)} rubrics valid: {criteria} criteria, {cases} cases")
    checks = [_stubs_current(console), _reference_full_marks(console, rubrics), _stubs_score_zero(console, rubrics),
              _mutation_score(console)]
    return all(checks)


def _stubs_current(console: Console) -> bool:
    stale = stale_stubs()
    if stale:
        console.print(f"[red]✗[/red] stubs out of date: {', '.join(stale)}; run `python -m autograder.stubs`")
        return False
    console.print("[green]✓[/green] stubs are generated from the reference")
    return True


def _reference_full_marks(console: Console, rubrics) -> bool:
    result = grade(REFERENCE_DIR, rubrics, identity="validate")
    lost = [(e.name, c) for e in result.exercises for c in e.criteria if not c.passed]
    for exercise, criterion in lost:
        console.print(f"[red]✗[/red] reference loses points on {criterion.id}: {criterion.message}")
    if not lost:
        console.print(f"[green]✓[/green] reference scores {result.score:g} / {result.max_score:g} "
                      f"({result.seconds:.2f} s)")
    return not lost


def _stubs_score_zero(console: Console, rubrics) -> bool:
    result = grade(STUBS_DIR, rubrics, identity="validate")
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


MIN_BUGS = 6
"""The fewest catalogued misconceptions an exercise may have."""


def _mutation_score(console: Console) -> bool:
    """Every catalogued bug, put into the reference, loses points on its exercise and is diagnosed as itself."""
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        console.print(f"[red]✗ misconception catalogue[/red]\n{error}")
        return False
    start = time.monotonic()
    mutants = run_mutants([bug for bugs in catalogue.values() for bug in bugs])
    console.print(_score_table(scores(mutants), time.monotonic() - start))
    _print_mutants(console, mutants)
    thin = [f"{e} ({len(catalogue.get(e, ()))})" for e in EXERCISES if len(catalogue.get(e, ())) < MIN_BUGS]
    if thin:
        console.print(f"[red]✗[/red] fewer than {MIN_BUGS} catalogued misconceptions: {', '.join(thin)}; "
                      f"add bug modules and entries in autograder/misconceptions/")
    escaped = [m for m in mutants if m.escaped]
    if not escaped and not thin:
        console.print(f"[green]✓[/green] mutation score 100%: all {len(mutants)} catalogued bugs lose points and "
                      f"are diagnosed")
    return not escaped and not thin


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
