"""What to fix first: a result's failed cases grouped into distinct mistakes, each localized.

Every report leads with this view of the one :class:`~autograder.results.SubmissionResult`:
per exercise, one :class:`Mistake` per distinct mistake, most costly first, instead of one block
per criterion (one flipped kernel fails six criteria; it is one mistake). Failed cases are grouped

- by the recognised misconception, across every criterion it shows in;
- else by what failed in which function, in the fixed vocabulary of :attr:`CaseResult.failure`:
  wrong values of a function (its forward and backward checks, its gradient check and the
  properties that compare its values are one group), arguments modified in place, an invalid
  argument accepted, no usable result, not implemented yet (one line for the whole exercise);
- an exercise whose file is missing, or cannot be read, is one line.

A gradient check that does not count because the forward is wrong, and a criterion not credited
until the ones it requires pass, are consequences, not mistakes: they are listed as ``waiting``.

Each group of wrong values is **localized**: which values are wrong, which are right, and which
features of the exercise (``features:`` in its exercise file) the failing cases share that the
others lack ("dw is wrong only on cases with a stride above 1; dx and db are right"). Features come
from what the rubric states about a case, the same for every student, so hidden cases take part
without revealing anything of their values; their messages stay those of the fixed vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from autograder.judge.checks.vocabulary import kind, listing
from autograder.results import CaseResult, CriterionResult, ExerciseResult, SubmissionResult, format_points

MistakeKind = Literal["recognised", "values", "modified", "no_value_error", "failed", "not_implemented", "missing"]
NOT_IMPLEMENTED = re.compile(r"(\w+) is not implemented yet")
SUMMARY_MISTAKES = 3
"""The most mistakes of one exercise a summary lists; the rest are in the details."""


@dataclass
class Mistake:
    """One distinct mistake of an exercise.

    Attributes
    ----------
    kind : str
        ``recognised`` (a catalogued misconception), ``values`` (wrong values of a function),
        ``modified``, ``no_value_error``, ``failed``, ``not_implemented`` or ``missing``.
    headline : str
        One line saying what is wrong: the misconception's title, or the function and what failed.
    hint : str or None
        What to do: the misconception's hint, or the standing hint of the criteria involved.
    advice : tuple of str
        Beside a recognised mistake, the standing hints of the criteria it costs.
    where : str or None
        The localization: which values are wrong on which cases, and which are right.
    points : float
        The points the mistake costs (its failed cases' shares of their criteria).
    cases : list of (CriterionResult, CaseResult)
        Its failed cases, in report order.
    misconception : str or None
        The catalogue id of a recognised mistake.
    function : str or None
    """

    kind: MistakeKind
    headline: str
    hint: str | None = None
    advice: tuple[str, ...] = ()
    where: str | None = None
    points: float = 0.0
    cases: list[tuple[CriterionResult, CaseResult]] = field(default_factory=list)
    misconception: str | None = None
    function: str | None = None

    @property
    def entries(self) -> list[tuple[CriterionResult, list[CaseResult]]]:
        """The failed cases by criterion entry, in report order."""
        grouped: dict[str, tuple[CriterionResult, list[CaseResult]]] = {}
        for entry, case in self.cases:
            grouped.setdefault(entry.id, (entry, []))[1].append(case)
        return list(grouped.values())


@dataclass
class ExerciseSummary:
    """An exercise's score and its mistakes, most costly first.

    Attributes
    ----------
    exercise : ExerciseResult
    mistakes : list of Mistake
    waiting : list of CriterionResult
        Entries not credited because what they build on fails (a gate, a wrong forward under a gradient check).
    remarks : list of str
        What passed cases still want the student to know (a forward that loses precision).
    """

    exercise: ExerciseResult
    mistakes: list[Mistake] = field(default_factory=list)
    waiting: list[CriterionResult] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.exercise.name

    @property
    def note(self) -> str | None:
        """The exercise's note when its cases ran too (a module it uses lost points), shown before its mistakes."""
        missing = self.mistakes and self.mistakes[0].kind == "missing"
        return None if missing else self.exercise.note

    @property
    def full_marks(self) -> bool:
        return self.exercise.max_score > 0 and self.exercise.score >= self.exercise.max_score

    @property
    def waiting_points(self) -> float:
        return round(sum(entry.max_score - entry.score for entry in self.waiting), 4)

    @property
    def passed(self) -> list[CriterionResult]:
        return [entry for entry in self.exercise.criteria if entry.passed]


def summarize(result: SubmissionResult) -> list[ExerciseSummary]:
    """The summary of every exercise of ``result``, in its order."""
    return [summarize_exercise(exercise) for exercise in result.exercises]


def summarize_exercise(exercise: ExerciseResult) -> ExerciseSummary:
    """One exercise's mistakes (grouped and localized), what waits on them, and the remarks of passed cases."""
    summary = ExerciseSummary(exercise)
    ran = [entry for entry in exercise.criteria if entry.cases]
    if exercise.note and not ran:
        summary.mistakes.append(Mistake("missing", exercise.note, points=exercise.max_score - exercise.score))
        return summary
    groups: dict[tuple, Mistake] = {}
    for entry in exercise.criteria:
        if entry.note and not entry.cases:
            if not entry.passed:
                summary.waiting.append(entry)
            continue
        for case in entry.cases:
            if case.passed:
                if case.remark and case.remark not in summary.remarks:
                    summary.remarks.append(case.remark)
                continue
            key = _key(entry, case)
            if key is None:
                if entry not in summary.waiting:
                    summary.waiting.append(entry)
                continue
            mistake = groups.get(key) or groups.setdefault(key, _new_mistake(key, case))
            mistake.cases.append((entry, case))
            mistake.points += entry.max_score / len(entry.cases)
    _fold_unimplemented(groups)
    _fold_gradient_checks(groups)
    for mistake in groups.values():
        _describe(mistake, exercise)
    summary.mistakes = sorted(groups.values(), key=lambda m: (-round(m.points, 6), m.kind != "recognised"))
    for mistake in summary.mistakes:
        mistake.points = round(mistake.points, 4)
    return summary


def _key(entry: CriterionResult, case: CaseResult) -> tuple | None:
    """What a failed case is an instance of; None for a consequence of another failure."""
    if case.misconception:
        return ("recognised", case.misconception)
    if entry.visibility == "public":
        if NOT_IMPLEMENTED.search(case.message):
            return ("not_implemented", None)
    failure = kind(case.failure)
    if failure == "forward_wrong":
        return None
    if failure in ("wrong", "disagree", "imprecise"):
        return ("values", entry.function)
    return (failure or "failed", entry.function)


def _new_mistake(key: tuple, case: CaseResult) -> Mistake:
    category, detail = key
    if category == "recognised":
        return Mistake("recognised", case.title or detail, hint=case.hint, misconception=detail)
    return Mistake(category, "", function=detail)


def _fold_unimplemented(groups: dict[tuple, Mistake]) -> None:
    """Hidden cases of a function that is not implemented (publicly) join that one line."""
    unimplemented = groups.get(("not_implemented", None))
    if unimplemented is None:
        return
    functions = {NOT_IMPLEMENTED.search(case.message).group(1) for entry, case in unimplemented.cases}
    functions |= {entry.function for entry, _ in unimplemented.cases}
    for key in [k for k in groups if k[0] == "failed" and k[1] in functions]:
        for entry, case in groups.pop(key).cases:
            unimplemented.cases.append((entry, case))
            unimplemented.points += entry.max_score / len(entry.cases)


def _fold_gradient_checks(groups: dict[tuple, Mistake]) -> None:
    """A gradient check that fails on the values of a recognised mistake of the same backward is that mistake."""
    for key in [k for k, m in groups.items() if k[0] == "values" and all(e.kind == "gradcheck" for e, _ in m.cases)]:
        names = {name for _, case in groups[key].cases for name in case.wrong}
        for mistake in groups.values():
            shown = {name for entry, case in mistake.cases if entry.function == key[1] for name in case.wrong}
            if mistake.kind == "recognised" and names <= shown:
                moved = groups.pop(key)
                mistake.cases += moved.cases
                mistake.points += moved.points
                break


def _describe(mistake: Mistake, exercise: ExerciseResult) -> None:
    """Fill in the headline, the hint, the advice and the localization of a grouped mistake."""
    entries = [entry for entry, _ in mistake.cases]
    standing = tuple(dict.fromkeys(entry.advice for entry in entries if entry.advice))
    function = mistake.function
    if mistake.kind == "recognised":
        mistake.advice = tuple(hint for hint in standing if hint != mistake.hint)
        return
    mistake.hint = standing[0] if standing else None
    mistake.advice = standing[1:]
    if mistake.kind == "not_implemented":
        found = [NOT_IMPLEMENTED.search(case.message) for _, case in mistake.cases]
        missing = sorted({match.group(1) for match in found if match}, key=_order(exercise))
        blocked = sorted({entry.function for entry, _ in mistake.cases} - set(missing), key=_order(exercise))
        verb, pronoun = ("is", "it") if len(missing) == 1 else ("are", "them")
        mistake.headline = f"{listing(tuple(missing))} {verb} not implemented yet (raises NotImplementedError)"
        if blocked:
            mistake.headline += f"; {listing(tuple(blocked))} cannot be checked without {pronoun}"
        mistake.hint = None
    elif mistake.kind == "values":
        names = tuple(dict.fromkeys(name for _, case in mistake.cases for name in case.wrong))
        mistake.headline = f"{function}: {_wrong_phrase(mistake)}"
        mistake.where = localize(mistake, exercise, names)
    elif mistake.kind == "modified":
        mistake.headline = _common_failure(mistake)
    elif mistake.kind == "no_value_error":
        count = len(mistake.cases)
        mistake.headline = (f"{function} does not raise ValueError on {count} invalid argument case"
                            f"{'s' if count > 1 else ''}")
    else:
        mistake.headline = f"{function} gives no usable result on {_cases(len(mistake.cases))}"
        public = [case.message for entry, case in mistake.cases if entry.visibility == "public"]
        if public:
            mistake.where = f"for example: {public[0]}"


def _order(exercise: ExerciseResult):
    """A sort key putting functions in the order the exercise's criteria first check them."""
    seen = list(dict.fromkeys(entry.function for entry in exercise.criteria))
    return lambda function: seen.index(function) if function in seen else len(seen)


def _wrong_phrase(mistake: Mistake) -> str:
    names = tuple(dict.fromkeys(name for _, case in mistake.cases for name in case.wrong))
    if not names:
        return "wrong results"
    kinds = {kind(case.failure) for _, case in mistake.cases}
    if kinds == {"imprecise"}:
        return f"{listing(names)} cannot be checked by central differences: the forward loses precision"
    if kinds == {"disagree"}:
        verb = "disagrees" if len(names) == 1 else "disagree"
        return f"{listing(names)} {verb} with central differences of your forward"
    return f"{listing(names)} {'is' if len(names) == 1 else 'are'} wrong"


def _common_failure(mistake: Mistake) -> str:
    phrases = list(dict.fromkeys(case.failure for _, case in mistake.cases))
    return phrases[0] if len(phrases) == 1 else f"{phrases[0]} (and {len(phrases) - 1} more)"


def _cases(count: int) -> str:
    return f"{count} case{'s' if count != 1 else ''}"


# -- localization -------------------------------------------------------------------------------


def localize(mistake: Mistake, exercise: ExerciseResult, names: tuple[str, ...]) -> str | None:
    """Which of ``names`` are wrong on which cases, and which compared values are right.

    The evidence is every case (passed or failed) of the criteria the mistake's cases come from:
    a value is right on a passed case and on a failed case that found other values wrong. A
    feature that every case with the value wrong has and no case with it right has is named
    ("only on cases with a stride above 1"), as is one that only the right cases have ("only on
    cases without padding").
    """
    ids = {entry.id.removesuffix(".hidden") for entry, _ in mistake.cases}
    evidence = [(entry, case) for entry in exercise.criteria if entry.id.removesuffix(".hidden") in ids
                for case in entry.cases]
    statements: dict[str, list[str]] = {}
    for name in names:
        wrong = [case for _, case in evidence if _shows(case) and _names_value(case.wrong, name)]
        right = [case for _, case in evidence if case.passed or (_shows(case) and not _names_value(case.wrong, name))]
        if "[" in name:  # an entry of a dict: a case without it (no Ws without a projection) says nothing of it
            statements.setdefault(_where(wrong, right, separate=False), []).append(name)
        else:
            statements.setdefault(_where(wrong, right), []).append(name)
    parts = []
    for where, group in statements.items():
        verb = "is" if len(group) == 1 else "are"
        parts.append(f"{listing(tuple(group))} {verb} wrong {where}")
    compared = tuple(dict.fromkeys(name for entry, _ in evidence for name in entry.compared))
    right = tuple(name for name in compared if not any(_names_value((wrong,), name) for wrong in names))
    if right and len(right) < len(compared):
        parts.append(f"{listing(right)} {'is' if len(right) == 1 else 'are'} right")
    return "; ".join(parts) if parts else None


def _shows(case: CaseResult) -> bool:
    """Whether a failed case compared values and found some wrong (its ``wrong`` is known)."""
    return not case.passed and kind(case.failure) in ("wrong", "disagree", "imprecise") and bool(case.wrong)


def _names_value(wrong: tuple[str, ...], name: str) -> bool:
    """Whether ``wrong`` names ``name`` or a part of it (``grads['W1']`` is part of ``grads``)."""
    return any(w == name or w.startswith(f"{name}[") or name.startswith(f"{w}[") for w in wrong)


def _where(wrong: list[CaseResult], right: list[CaseResult], separate: bool = True) -> str:
    """The cases a value is wrong on, in words: by a feature that separates them (if ``separate``), else by count."""
    if not right:
        return "on every case" if len(wrong) > 1 else "on the one case checked"
    features = list(dict.fromkeys(f for case in wrong + right for f in case.features))
    for feature in features if separate else ():
        if all(feature in case.features for case in wrong) and not any(feature in case.features for case in right):
            return f"only on cases with {feature}"
    for feature in features if separate else ():
        if not any(feature in case.features for case in wrong) and all(feature in case.features for case in right):
            return f"only on cases without {feature}"
    shared = [f for f in features if all(f in case.features for case in wrong)]
    total = len(wrong) + len(right)
    if shared:
        return f"on {len(wrong)} of {total} cases, all with {shared[0]}"
    return f"on {len(wrong)} of {total} cases"


# -- the words every report uses -------------------------------------------------------------------


def mistake_text(mistake: Mistake) -> str:
    """The one line of a summary for ``mistake``: what is wrong and what to do, in words every report shares."""
    if mistake.kind == "recognised":
        return f"{mistake.headline}: {mistake.hint}" if mistake.hint else mistake.headline
    if mistake.kind == "values" and mistake.where:
        text = f"{mistake.function}: {mistake.where}."
    elif mistake.kind == "failed" and mistake.where:
        text = f"{mistake.headline}, {mistake.where}."
    else:
        text = mistake.headline if mistake.headline.endswith(".") else f"{mistake.headline}."
    return f"{text} {mistake.hint}" if mistake.hint else text


def waiting_text(summary: ExerciseSummary) -> str | None:
    """A sentence on the points that wait on the exercise's mistakes, or None."""
    points = summary.waiting_points
    if not summary.waiting or points <= 0:
        return None
    count = len(summary.waiting)
    return (f"{format_points(points)} more point{'s' if points != 1 else ''} ({count} "
            f"{'entry' if count == 1 else 'entries'}) count once what they build on is fixed")
