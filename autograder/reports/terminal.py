"""The terminal view of a result: a score table, then what failed and what to do about it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.reports.markdown import format_points, late_note
from autograder.results import SubmissionResult


def print_result(result: SubmissionResult, console: Console | None = None, verbose: bool = False) -> None:
    """Print a result for a person at a terminal (students after ``check``, instructors after ``grade``)."""
    console = console or Console()
    title = "public cases only" if result.mode == "check" else "public and hidden cases"
    console.print(f"[bold]{escape(result.submission)}[/bold]: {title}")
    table = Table()
    table.add_column("exercise")
    table.add_column("score", justify="right")
    table.add_column("", justify="left")
    for exercise in result.exercises:
        full = exercise.score == exercise.max_score and exercise.max_score > 0
        mark = "[green]✓[/green]" if full else ("[red]✗[/red]" if exercise.score == 0 else "[yellow]~[/yellow]")
        table.add_row(exercise.name, f"{format_points(exercise.score)} / {format_points(exercise.max_score)}", mark)
    table.add_row("[bold]total[/bold]", f"[bold]{format_points(result.score)} / {format_points(result.max_score)}[/bold]", "")
    console.print(table)
    if late_note(result):
        console.print(f"[yellow]{escape(late_note(result))}[/yellow]")
    for exercise in result.exercises:
        failed = [c for c in exercise.criteria if not c.passed]
        if exercise.note:
            console.print(f"[bold]{exercise.name}[/bold]: [yellow]{escape(exercise.note)}[/yellow]")
            if not verbose:
                continue
        for criterion in failed:
            console.print(f"[red]✗[/red] [bold]{criterion.id}[/bold] ({format_points(criterion.score)} / "
                          f"{format_points(criterion.max_score)}) {escape(criterion.description)}")
            console.print("    " + escape(criterion.message).replace("\n", "\n    "))
            if criterion.misconception:
                console.print(f"    [magenta]Recognised mistake:[/magenta] {escape(criterion.misconception)}")
            if criterion.hint:
                console.print(f"    [cyan]Hint:[/cyan] {escape(criterion.hint)}")
    console.print(f"[dim]{escape(result.sandbox)} Graded in {result.seconds:.2f} s.[/dim]")
