"""The late policy: a course's deadlines, and the points a late submission loses.

A course gives each assignment its deadline and one policy for all of them, in ``course.yaml``::

    deadlines:                      # ISO 8601, with the offset from UTC (or Z)
      core: 2025-03-07T23:59:00+01:00
    late_policy:
      method: per_day               # none (the default) | zero | per_day
      percent_per_day: 10           # per_day: share of the points earned lost per started day late
      max_percent: 100              # per_day: at most this share in all
      grace_minutes: 15             # lateness up to this is not penalised

``--deadline`` on ``grade`` and ``batch`` replaces the course's deadline for one run. Every report
shows the same penalty because it is recorded once, in the result
(:class:`~autograder.results.Lateness`), and :attr:`~autograder.results.SubmissionResult.score`
subtracts it. nbgrader courses keep nbgrader's own due dates and ``LateSubmissionPlugin``
(see :mod:`autograder.integrations.nbgrader`).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal

from autograder.results import Lateness, points

Method = Literal["none", "zero", "per_day"]
METHODS = ("none", "zero", "per_day")
DAY = 86400.0


class LateError(ValueError):
    """A time or a table of submission times that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class LatePolicy:
    """What lateness costs.

    Attributes
    ----------
    method : {"none", "zero", "per_day"}
        ``none``: lateness is recorded, no points are lost; ``zero``: a late submission scores
        zero; ``per_day``: ``percent_per_day`` of the points earned per started day late.
    percent_per_day, max_percent : float
        For ``per_day``: the share lost per day and the most lost in all, in percent.
    grace_minutes : float
        Lateness up to this many minutes costs nothing.
    """

    method: Method = "none"
    percent_per_day: float = 0.0
    max_percent: float = 100.0
    grace_minutes: float = 0.0

    @classmethod
    def from_course(cls, data: dict | None) -> "LatePolicy":
        """The policy of a course file's ``late_policy`` mapping (validated by the course schema)."""
        return cls(**(data or {}))

    def fraction(self, seconds_late: float) -> float:
        """The share of the points earned that ``seconds_late`` costs, in [0, 1]."""
        late = seconds_late - 60.0 * self.grace_minutes
        if late <= 0 or self.method == "none":
            return 0.0
        if self.method == "zero":
            return 1.0
        return min(self.max_percent, self.percent_per_day * math.ceil(late / DAY)) / 100.0

    def describe(self) -> str:
        """The policy in words, for the student."""
        grace = f", after {self.grace_minutes:g} minutes of grace" if self.grace_minutes else ""
        if self.method == "none":
            return "this course takes no points for lateness"
        if self.method == "zero":
            return f"a late submission scores zero{grace}"
        return (f"{self.percent_per_day:g}% of the points earned per started day late, at most "
                f"{self.max_percent:g}%{grace}")


def lateness(raw_score: float, submitted: datetime, deadline: datetime, policy: LatePolicy) -> Lateness:
    """How late ``submitted`` is against ``deadline``, and the points ``policy`` takes off ``raw_score``.

    Parameters
    ----------
    raw_score : float
        The total before the penalty.
    submitted, deadline : datetime
        Aware times (with their offset from UTC).
    policy : LatePolicy

    Returns
    -------
    Lateness
    """
    seconds = max(0.0, (submitted - deadline).total_seconds())
    return Lateness(format_time(submitted), format_time(deadline), seconds,
                    points(raw_score * policy.fraction(seconds)), policy.describe())


def parse_time(value: str | datetime | date, where: str = "time", assume_utc: bool = False) -> datetime:
    """An aware datetime from ISO 8601 text (``2025-03-07T23:59:00+01:00``, ``...Z``) or a YAML timestamp.

    Parameters
    ----------
    value : str or datetime
        The time.
    where : str
        What the time is, for the error message (``deadlines.core``, ``times.csv, row 3``).
    assume_utc : bool
        Read a time without an offset as UTC (nbgrader's timestamps), instead of refusing it.

    Raises
    ------
    LateError
        When ``value`` is not a time, or has no offset from UTC and ``assume_utc`` is false.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise LateError(f"{where}: {value.isoformat()} is a day, not a time; expected e.g. "
                        f"{value.isoformat()}T23:59:00+00:00")
    else:
        text = re.sub(r"\s*(UTC|Z)$", "+00:00", str(value).strip())
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise LateError(f"{where}: {value!r} is not an ISO 8601 time; expected e.g. "
                            f"2025-03-07T23:59:00+01:00") from None
    if moment.tzinfo is None:
        if not assume_utc:
            raise LateError(f"{where}: {value!s} has no offset from UTC; expected e.g. {moment.isoformat()}+01:00 "
                            f"(or Z for UTC)")
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def format_time(moment: datetime) -> str:
    """``moment`` as ISO 8601 to the second, with its offset: what every report shows."""
    return moment.isoformat(timespec="seconds")


def read_submission_times(path: Path) -> dict[str, datetime]:
    """The submission times of a CSV with columns ``submission`` and ``submitted_at``.

    ``submission`` is a submission's name in the batch folder (``alice``, ``alice.zip``) or its
    identity; ``submitted_at`` an ISO 8601 time with its offset from UTC.

    Raises
    ------
    LateError
        When the file cannot be read, lacks a column, or holds a time that is not one.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LateError(f"{path}: cannot be read as CSV ({error})") from None
    columns = set(rows[0]) if rows else set()
    missing = {"submission", "submitted_at"} - columns
    if missing:
        raise LateError(f"{path}: expected the columns submission and submitted_at; missing {sorted(missing)}")
    return {row["submission"].strip(): parse_time(row["submitted_at"], f"{path}, row {n}")
            for n, row in enumerate(rows, start=2)}


def nbgrader_timestamp(folder: Path) -> datetime | None:
    """The time in a submission folder's ``timestamp.txt`` (as nbgrader's collect writes it), or None."""
    stamp = Path(folder) / "timestamp.txt"
    if not stamp.is_file():
        return None
    return parse_time(stamp.read_text(encoding="utf-8", errors="replace").strip(), str(stamp), assume_utc=True)
