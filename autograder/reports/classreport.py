"""``autograder report OUT``: the class report of a batch, an instructor's view at a glance.

From the reports ``autograder batch`` wrote into ``OUT/submissions/*/report.json`` it writes:

- ``OUT/class-report.html``: one self-contained page (the plots are inline PNGs) with a summary
  table, the submissions that could not be graded with the reason, the distribution of total
  scores and of every exercise's scores, the pass rate of every criterion (public and hidden
  entries), the most frequent misconceptions with their counts, the most similar pairs of code
  (when ``autograder similarity OUT`` has run, with a link to its page), a table of every
  submission linking its feedback page (``submissions/<name>/feedback.html``), and the grading
  time of every submission;
- ``OUT/criteria/<criterion id>.csv``: one row per graded submission (submission, score,
  max_score, passed, misconception) for every criterion entry.

A submission that could not be graded (status ``error`` in its ``report.json``) has no scores to
speak of: it is left out of every statistic, plot and criterion CSV (but the grading times), and
listed by name with its reason instead. matplotlib is imported here and nowhere else; figures are
drawn on Agg canvases, never through pyplot's global state.
"""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograder.course.catalogue import misconception
from autograder.course.model import Course, load_course
from autograder.reports import text
from autograder.reports._files import atomic_write_text
from autograder.reports.gradebook import criteria_rows, write_csv
from autograder.reports.json_report import from_json_dict
from autograder.reports.markdown import format_points
from autograder.reports.similarity import PAGE as SIMILARITY_PAGE, top_pairs
from autograder.results import SubmissionResult

PAGE = "class-report.html"
CSV_HEADER = ("submission", "score", "max_score", "passed", "misconception")
TOP_MISCONCEPTIONS = 15
TOP_SIMILAR = 10
PUBLIC_COLOUR, HIDDEN_COLOUR, ACCENT = "#4c72b0", "#dd8452", "#c44e52"


class ClassReportError(RuntimeError):
    """A batch output folder with no readable reports."""


@dataclass(frozen=True)
class CriterionStats:
    """One criterion entry across the class: its points, who passed it, what went wrong."""

    id: str
    exercise: str
    visibility: str
    max_score: float
    rows: tuple[tuple, ...]
    """One ``(submission, score, max_score, passed, misconception)`` per submission."""

    @property
    def pass_rate(self) -> float:
        return sum(row[3] for row in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def mean_score(self) -> float:
        return statistics.fmean(row[1] for row in self.rows) if self.rows else 0.0


@dataclass(frozen=True)
class MisconceptionCount:
    """A recognised mistake and how many submissions made it."""

    id: str
    title: str
    submissions: int


@dataclass(frozen=True)
class Graded:
    """One submission of a batch: the name of its report folder and its result."""

    name: str
    result: SubmissionResult

    @property
    def failed(self) -> bool:
        """Whether it could not be graded (its result holds no scores)."""
        return self.result.status == "error"

    @property
    def reason(self) -> str:
        """Why it could not be graded (the note its exercises carry), or ""."""
        return next((e.note for e in self.result.exercises if e.note), "") if self.failed else ""

    @property
    def feedback(self) -> str:
        """The link to its feedback page, relative to the batch's output folder (the name URL-quoted)."""
        return f"submissions/{quote(self.name)}/feedback.html"

    @property
    def mistakes(self) -> list[str]:
        """The misconceptions recognised in it, in report order."""
        return list(dict.fromkeys(case.misconception for exercise in self.result.exercises
                                  for criterion in exercise.criteria for case in criterion.cases
                                  if case.misconception))


@dataclass(frozen=True)
class ClassReport:
    """What :func:`write_class_report` wrote."""

    page: Path
    csvs: tuple[Path, ...]
    submissions: int


def write_class_report(out: Path, course: Course | None = None) -> ClassReport:
    """Write the class report page and the per-criterion CSVs of the batch output ``out``.

    ``course`` names the misconceptions (default: :func:`~autograder.course.model.load_course`).

    Raises
    ------
    ClassReportError
        When ``out`` holds no report, or a report cannot be read (naming the file).
    """
    out = Path(out)
    graded = load_class(out)
    results = [g.result for g in graded if not g.failed]
    criteria = criterion_stats(results)
    csvs = tuple(write_csv([CSV_HEADER, *c.rows], out / "criteria" / f"{_file_name(c.id)}.csv") for c in criteria)
    page = atomic_write_text(out / PAGE, render(graded, criteria, {c.id: p for c, p in zip(criteria, csvs)}, out,
                                                course or load_course()))
    return ClassReport(page, csvs, len(graded))


def load_class(out: Path) -> list[Graded]:
    """Every submission of a batch output folder (graded or not), by the name of its report folder.

    Raises
    ------
    ClassReportError
        When there is no ``submissions/*/report.json`` or one is not a report.
    """
    paths = sorted(Path(out).glob("submissions/*/report.json"))
    if not paths:
        raise ClassReportError(f"{out}: no submissions/*/report.json; expected the output folder of "
                               f"`autograder batch DIR --out {out}`")
    graded = []
    for path in paths:
        try:
            graded.append(Graded(path.parent.name, from_json_dict(json.loads(path.read_text()))))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ClassReportError(f"{path}: not a report written by `autograder batch` "
                                   f"({type(error).__name__}: {error})") from None
    return graded


def load_results(out: Path) -> list[SubmissionResult]:
    """The results of the submissions of a batch output folder that could be graded, by submission name."""
    return sorted((g.result for g in load_class(out) if not g.failed), key=lambda r: r.submission)


def criterion_stats(results: list[SubmissionResult]) -> list[CriterionStats]:
    """Every criterion entry of the class, in rubric order, with one row per submission."""
    records = criteria_rows(results)
    entries = {}
    for record in records:
        entries.setdefault(record["criterion"], record)
    by_key = {(r["criterion"], r["submission"]): r for r in records}
    stats = []
    for key, first in entries.items():
        rows = []
        for result in results:
            record = by_key.get((key, result.submission))
            rows.append((result.submission, record["score"], first["max_score"], record["passed"],
                         record["misconception"] or "") if record else
                        (result.submission, 0.0, first["max_score"], False, ""))
        stats.append(CriterionStats(key, first["exercise"], first["visibility"], first["max_score"], tuple(rows)))
    return stats


def misconception_counts(results: list[SubmissionResult], course: Course) -> list[MisconceptionCount]:
    """The misconceptions recognised in the class, most frequent first; each submission counts once."""
    counts = Counter(mistake for result in results for mistake in _mistakes(result))
    return [MisconceptionCount(mistake, _title(course, mistake), count)
            for mistake, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _mistakes(result: SubmissionResult) -> set[str]:
    return {case.misconception for exercise in result.exercises for criterion in exercise.criteria
            for case in criterion.cases if case.misconception}


def _title(course: Course, mistake: str) -> str:
    try:
        return misconception(mistake, course).title
    except KeyError:
        return mistake


def exercise_names(results: list[SubmissionResult]) -> list[str]:
    """The exercises of the batch's results, in their order (a batch grades one assignment)."""
    return list(dict.fromkeys(e.name for result in results for e in result.exercises))


def _file_name(criterion: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", criterion)


# -- the page ---------------------------------------------------------------------------------


def render(graded: list[Graded], criteria: list[CriterionStats], csvs: dict[str, Path],
           out: Path, course: Course) -> str:
    """The class report page as HTML (plots inline); statistics over the submissions that could be graded."""
    results = [g.result for g in graded if not g.failed]
    mistakes = misconception_counts(results, course)
    environment = jinja2.Environment(loader=jinja2.PackageLoader("autograder", "reports/templates"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     finalize=lambda v: text.printable(v) if isinstance(v, str) else v)
    environment.filters["points"] = format_points
    plots = {"seconds": _png(plot_seconds([g.result for g in graded]))}
    if results:
        plots.update(totals=_png(plot_totals(results)), exercises=_png(plot_exercises(results)),
                     criteria=_png(plot_pass_rates(criteria)), mistakes=_png(plot_mistakes(mistakes)))
    return environment.get_template("class-report.html.j2").render(
        summary=summary(graded), exercises=exercise_table(results), criteria=criteria, mistakes=mistakes,
        students=student_table(graded), failed=[g for g in graded if g.failed],
        similar=top_pairs(out, TOP_SIMILAR), similarity_page=SIMILARITY_PAGE,
        csvs={key: path.relative_to(out).as_posix() for key, path in csvs.items()}, plots=plots)


def summary(graded: list[Graded]) -> dict:
    """The numbers of the summary table: counts of all submissions, scores of those that could be graded."""
    results = [g.result for g in graded if not g.failed]
    totals = [r.score for r in results]
    seconds = [g.result.seconds for g in graded]
    return {"submissions": len(graded), "graded": len(results), "errors": len(graded) - len(results),
            "max_score": max((r.max_score for r in results), default=0.0),
            "mean": statistics.fmean(totals) if totals else None,
            "median": statistics.median(totals) if totals else None,
            "full_marks": sum(r.score == r.max_score > 0 for r in results),
            "mean_seconds": statistics.fmean(seconds) if seconds else 0.0, "total_seconds": sum(seconds)}


def student_table(graded: list[Graded]) -> list[dict]:
    """One row per submission, by name: its total, its exercises' scores, its mistakes, its feedback page."""
    names = exercise_names([g.result for g in graded if not g.failed])
    rows = []
    for g in sorted(graded, key=lambda g: g.name):
        scores = {} if g.failed else {name: g.result.exercise(name).score for name in names
                                      if name in {e.name for e in g.result.exercises}}
        rows.append({"name": g.name, "feedback": g.feedback, "failed": g.failed, "reason": g.reason,
                     "score": g.result.score, "max_score": g.result.max_score, "scores": scores,
                     "exercises": names, "mistakes": g.mistakes, "seconds": g.result.seconds})
    return rows


def exercise_table(results: list[SubmissionResult]) -> list[dict]:
    """Per exercise: its points and the class's mean and median score and full marks."""
    table = []
    for name in exercise_names(results):
        scores = [r.exercise(name).score for r in results]
        top = max(r.exercise(name).max_score for r in results)
        table.append({"name": name, "max_score": top, "mean": statistics.fmean(scores),
                      "median": statistics.median(scores), "full_marks": sum(s == top > 0 for s in scores)})
    return table


# -- the plots ----------------------------------------------------------------------------------


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plot_totals(results: list[SubmissionResult]) -> Figure:
    """A histogram of the total scores, with the mean and the median."""
    totals = [r.score for r in results]
    top = max(r.max_score for r in results) or 1.0
    figure = Figure(figsize=(8, 3.6), layout="constrained")
    axes = figure.add_subplot()
    axes.hist(totals, bins=np.linspace(0, top, 21), color=PUBLIC_COLOUR, edgecolor="white")
    for value, style, label in ((statistics.fmean(totals), "-", "mean"), (statistics.median(totals), "--", "median")):
        axes.axvline(value, color=ACCENT, linestyle=style, label=f"{label} {format_points(round(value, 1))}")
    axes.set(xlim=(0, top), xlabel=f"total score (out of {format_points(top)})", ylabel="submissions",
             title="Total scores")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False)
    return figure


def plot_exercises(results: list[SubmissionResult]) -> Figure:
    """Every exercise's scores as a share of its points: a box per exercise, one dot per submission."""
    shares = [[100 * r.exercise(e).score / r.exercise(e).max_score if r.exercise(e).max_score else 0.0
               for r in results] for e in exercise_names(results)]
    figure = Figure(figsize=(8, 3.8), layout="constrained")
    axes = figure.add_subplot()
    axes.boxplot(shares, widths=0.5, showfliers=False, medianprops={"color": ACCENT})
    jitter = np.random.default_rng(0)
    for k, values in enumerate(shares, start=1):
        axes.scatter(k + jitter.uniform(-0.15, 0.15, len(values)), values, s=14, alpha=0.6, color=PUBLIC_COLOUR)
    axes.set_xticks(range(1, len(shares) + 1), exercise_names(results))
    axes.set(ylim=(-5, 105), ylabel="% of the exercise's points", title="Scores per exercise")
    return figure


def plot_pass_rates(criteria: list[CriterionStats]) -> Figure:
    """The pass rate of every criterion, public and hidden entries side by side, one panel per exercise."""
    groups = {e: _pairs([c for c in criteria if c.exercise == e]) for e in dict.fromkeys(c.exercise for c in criteria)}
    groups = {e: pairs for e, pairs in groups.items() if pairs}
    figure = Figure(figsize=(8, 1.0 + 0.3 * sum(len(p) for p in groups.values()) + 0.5 * len(groups)),
                    layout="constrained")
    panels = figure.subplots(len(groups), 1, sharex=True, height_ratios=[len(p) + 1 for p in groups.values()],
                             squeeze=False)[:, 0]
    for axes, (exercise, pairs) in zip(panels, groups.items()):
        rows = np.arange(len(pairs))
        for offset, visibility, colour in ((-0.2, "public", PUBLIC_COLOUR), (0.2, "hidden", HIDDEN_COLOUR)):
            rates = [100 * pair[visibility].pass_rate if visibility in pair else np.nan for pair in pairs.values()]
            bars = axes.barh(rows + offset, rates, height=0.38, color=colour, label=visibility)
            axes.bar_label(bars, fmt="%.0f%%", padding=2, fontsize=7)
        axes.set_yticks(rows, list(pairs))
        axes.invert_yaxis()
        axes.axvline(50, color="#999", linewidth=0.8, linestyle=":")
        axes.set_title(exercise, loc="left", fontsize=10, fontweight="bold")
    panels[0].legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1))
    panels[-1].set(xlim=(0, 112), xticks=range(0, 101, 20), xlabel="% of submissions passing every case")
    figure.suptitle("Pass rate of every criterion")
    return figure


def _pairs(criteria: list[CriterionStats]) -> dict[str, dict[str, CriterionStats]]:
    """The criterion entries by rubric criterion id: ``{"public": entry, "hidden": entry}``."""
    pairs: dict[str, dict] = {}
    for criterion in criteria:
        pairs.setdefault(criterion.id.removesuffix(".hidden"), {})[criterion.visibility] = criterion
    return pairs


def plot_mistakes(mistakes: list[MisconceptionCount]) -> Figure:
    """The most frequent misconceptions, with how many submissions made each."""
    shown = mistakes[:TOP_MISCONCEPTIONS]
    figure = Figure(figsize=(9, 1.2 + 0.35 * max(len(shown), 2)), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title("Most frequent misconceptions")
    if not shown:
        axes.text(0.5, 0.5, "no misconception recognised", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    rows = np.arange(len(shown))
    bars = axes.barh(rows, [m.submissions for m in shown], color=ACCENT)
    axes.bar_label(bars, padding=3)
    axes.set_yticks(rows, [f"{m.title} ({m.id.split('.')[0]})" for m in shown])
    axes.invert_yaxis()
    axes.set_xlabel("submissions")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.margins(x=0.1)
    return figure


def plot_seconds(results: list[SubmissionResult]) -> Figure:
    """The grading time of every submission, slowest first, with the median."""
    ordered = sorted(results, key=lambda r: -r.seconds)
    figure = Figure(figsize=(8, 3.4), layout="constrained")
    axes = figure.add_subplot()
    axes.bar(range(len(ordered)), [r.seconds for r in ordered],
             color=[ACCENT if r.status == "error" else PUBLIC_COLOUR for r in ordered])
    median = statistics.median(r.seconds for r in ordered)
    axes.axhline(median, color="#333", linestyle="--", linewidth=1, label=f"median {median:.2f} s")
    if len(ordered) <= 40:
        axes.set_xticks(range(len(ordered)), [text.mathtext(r.submission) for r in ordered], rotation=60, ha="right",
                        fontsize=8)
    else:
        axes.set_xticks([])
    axes.set(ylabel="seconds", title="Grading time per submission (errors in red)")
    axes.legend(frameon=False)
    return figure
