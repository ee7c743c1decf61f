"""Helpers shared by the attack suite and the fault suite: hostile submissions graded for real.

Every submission is made with :func:`builders.build_submission` (the reference modules, with
the module under attack replaced) and graded by :func:`autograder.judge.grading.grade` through the real
worker and the real sandbox. These helpers only look at what came out: the scores, every report a
student can see (JSON, Markdown, HTML, Gradescope, the terminal), the processes left on the machine.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console

from autograder.judge.cases import Secret, draw_inputs
from builders import COURSE, REFERENCE_DIR, RUBRICS_DIR, build_submission
from autograder.judge.grading import grade
from autograder.judge.cases import make_cases
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.json_report import to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.reports.terminal import print_result
from autograder.results import SubmissionResult
from autograder.course.rubric import Rubric, RubricError, load_rubrics
from autograder.sandbox.isolation import Limits, Sandbox


IDENTITY = "mallory"
"""Whose submission every hostile test grades (seeds the hidden cases)."""

OTHER_CANDIDATES = ("dropout", "rnn", "pooling", "lstm", "batchnorm")
"""Exercises that may join conv in a test's course, in order of preference (residual uses conv, so it
cannot show that a broken conv costs only conv)."""

CONV_ZEROS = '''
import numpy as np

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''
"""The honest baseline: a conv module that returns (wrong) zeros. It scores 0 on conv."""


ATTACKS = Path(__file__).parent / "payloads" / "attacks"
"""The red team's hostile modules, one file per attack."""


def payload(name: str, **values) -> str:
    """The attack module ``tests/payloads/attacks/<name>.py`` with every ``@KEY@`` replaced by ``values[key]``."""
    source = (ATTACKS / f"{name}.py").read_text()
    for key, value in values.items():
        source = source.replace(f"@{key}@", str(value))
    left = re.findall(r"@[A-Z_]+@", source)
    assert not left, f"placeholders left unfilled in {name}.py: {left}"
    return source


def marker(prefix: str) -> str:
    """A unique token to plant in a submission and look for afterwards (15 characters at most)."""
    return f"{prefix}{uuid.uuid4().hex}"[:15]


def fast_sandbox(**limits) -> Sandbox:
    """The default sandbox (bubblewrap where it works) with short time limits for tests."""
    return Sandbox(Limits(**{"call_seconds": 2, "submission_seconds": 30, **limits}))


# -- the rubrics a test grades with ------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _reference_full_marks(exercise: str) -> bool:
    """Whether ``exercise``'s rubric loads and the reference scores full marks on it (checked once)."""
    if not (Path(RUBRICS_DIR) / f"{exercise}.yaml").exists():
        return False
    try:
        rubrics = load_rubrics(exercises=(exercise,))
    except RubricError:
        return False
    result = grade(REFERENCE_DIR, rubrics, identity=IDENTITY, secret=Secret(b"reference-check", "tests"))
    return result.score == result.max_score > 0


@functools.lru_cache(maxsize=None)
def rubrics_for(*exercises: str) -> tuple[Rubric, ...]:
    return tuple(load_rubrics(exercises=exercises))


def conv_rubrics() -> list[Rubric]:
    """conv's rubric alone: the fastest grade that shows an attack on conv gains nothing."""
    return list(rubrics_for("conv"))


def course_rubrics(others: int = 2) -> list[Rubric]:
    """conv's rubric plus up to ``others`` more exercises whose rubric exists, loads, and gives the
    reference full marks (others are editing rubrics while tests run; a half-written one is left out)."""
    chosen = [e for e in OTHER_CANDIDATES if not COURSE.exercise(e).uses and _reference_full_marks(e)][:others]
    return list(rubrics_for("conv", *chosen))


def other_exercises(rubrics: list[Rubric], faulty: str) -> list[str]:
    """The exercises of ``rubrics`` that a broken ``faulty`` module must not affect."""
    return [r.exercise for r in rubrics if r.exercise != faulty and faulty not in COURSE.needs(r.exercise)]


# -- grading and reading every report ----------------------------------------------------------


def student_texts(result: SubmissionResult) -> dict[str, str]:
    """Every report a student can see, as text: JSON, Markdown, HTML, Gradescope and the terminal."""
    console = Console(file=io.StringIO(), width=240, color_system=None, force_terminal=False)
    print_result(result, console, details=True)
    return {
        "json": json.dumps(to_json_dict(result), ensure_ascii=False),
        "markdown": to_markdown(result),
        "html": to_html(result),
        "gradescope": json.dumps(to_gradescope(result), ensure_ascii=False),
        "terminal": console.file.getvalue(),
    }


@dataclass
class Graded:
    """A graded hostile submission and everything the student gets to see of it."""

    result: SubmissionResult
    submission: Path
    texts: dict[str, str]

    def score(self, exercise: str) -> float:
        return self.result.exercise(exercise).score

    def max_score(self, exercise: str) -> float:
        return self.result.exercise(exercise).max_score

    def full(self, exercise: str) -> bool:
        return self.score(exercise) == self.max_score(exercise) > 0

    def messages(self, exercise: str) -> str:
        """The exercise's note and every criterion message and case message, as one text."""
        found = self.result.exercise(exercise)
        parts = [found.note or ""]
        for criterion in found.criteria:
            parts.append(criterion.message)
            parts += [case.message for case in criterion.cases]
        return "\n".join(parts)

    def public_messages(self, exercise: str) -> str:
        return "\n".join(c.message for c in self.result.exercise(exercise).criteria if c.visibility == "public")

    def hidden_messages(self, exercise: str) -> str:
        return "\n".join(c.message for c in self.result.exercise(exercise).criteria if c.visibility == "hidden")

    @property
    def everything(self) -> str:
        """All reports concatenated: what to search for a leak."""
        return "\n".join(self.texts.values())


def run_grade(folder: Path, replace: dict, rubrics: list[Rubric], sandbox: Sandbox | None = None,
              identity: str = IDENTITY, mode: str = "grade", omit: tuple = ()) -> Graded:
    """Build a submission of reference modules with ``replace`` swapped in and grade it for real."""
    submission = build_submission(folder, replace, omit)
    result = grade(submission, rubrics, mode=mode, identity=identity, sandbox=sandbox or fast_sandbox())
    return Graded(result, submission, student_texts(result))


# -- hidden values ------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+\.\d+(?:[eE][-+]?\d+)?")


def _forms(value: float) -> set[str]:
    """The ways a leaked float is likely printed (repr, numpy's 8 digits, 6 decimals), without sign."""
    value = abs(float(value))
    forms = {repr(value), f"{value:.6f}", np.format_float_positional(value, precision=8, unique=True),
             np.format_float_positional(value, precision=8, unique=False)}
    return {f for f in forms if len(f.replace(".", "").lstrip("0")) >= 5}


def hidden_inputs(rubrics: list[Rubric], secret: str, identity: str = IDENTITY) -> list[np.ndarray]:
    """Every array input of every hidden case the grader builds for ``identity`` under ``secret``."""
    key = Secret(secret.encode(), "tests")
    arrays = []
    for rubric in rubrics:
        for criterion in rubric.criteria:
            for case in make_cases(criterion, "hidden", key, identity):
                for arg in draw_inputs(criterion.spec, case, COURSE):
                    values = arg.values() if isinstance(arg, dict) else [arg]
                    arrays += [v for v in values if isinstance(v, np.ndarray) and v.size]
    return arrays


def leaked_hidden_numbers(texts: str, rubrics: list[Rubric], secret: str, identity: str = IDENTITY) -> list[str]:
    """Numbers of hidden inputs that appear (as whole numbers, in a usual printed form) in ``texts``."""
    shown = set(_NUMBER.findall(texts))
    hidden = set()
    for array in hidden_inputs(rubrics, secret, identity):
        for value in array.ravel():
            hidden |= _forms(value)
    return sorted(shown & hidden)


# -- processes ----------------------------------------------------------------------------------


def processes_marked(token: str) -> list[str]:
    """Processes on this machine whose command line or name holds ``token`` (not this process)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            comm = (entry / "comm").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if (token.encode() in cmdline or token[:15].encode() in comm) and state != "Z":
            found.append(f"{entry.name} [{state}] {cmdline.decode(errors='replace')[:120]}")
    return found


def descendants(pid: int | None = None) -> list[int]:
    """Living descendants of ``pid`` (default: this process)."""
    pid = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _resource_tracker(pid: int) -> bool:
    """Whether ``pid`` is multiprocessing's resource tracker: a process pool of the test process itself
    (``run_batch`` in another test on the same pytest worker) starts it, and it lives as long as the test process."""
    try:
        return b"multiprocessing.resource_tracker" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


def lingering(token: str, grace: float = 3.0) -> list[str]:
    """Processes marked with ``token`` or descended from this process still alive after ``grace`` s
    (a killed process may take a moment to disappear)."""
    deadline = time.monotonic() + grace
    while True:
        left = processes_marked(token) + [f"{pid} (a child of the test process)" for pid in descendants()
                                          if not _resource_tracker(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
