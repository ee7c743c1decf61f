"""``autograder validate``: the rubrics, the reference solutions and the stubs agree.

It proves, in CI, what an instructor relies on: every rubric follows the schema and the course,
the stubs are what the generator makes from the reference, the reference scores full marks on
every public and hidden case, and the stubs score zero with "not implemented" messages.
"""

from __future__ import annotations

from rich.console import Console

from autograder.course import REFERENCE_DIR, STUBS_DIR
from autograder.grading import grade
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
    checks = [_stubs_current(console), _reference_full_marks(console, rubrics), _stubs_score_zero(console, rubrics)]
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
