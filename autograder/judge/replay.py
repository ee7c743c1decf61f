"""Recorded oracle answers: how the student release runs ``autograder check`` without the reference.

``autograder release`` grades the reference on the public cases through a :class:`RecordingOracle`,
which keeps the inputs of every case and every expected value the checks ask for. They are saved
in ``autograder_data/`` beside the release's package: the arrays in ``public_cases.npz``, the
structure around them in ``public_cases.json`` (trees of :mod:`autograder.worker.wire`). In the
release a :class:`ReplayOracle` answers from those files, so the checks run exactly as in the
instructors' copy with no reference package, no secret and no hidden case.

A copy of the grader is the student release exactly when ``autograder_data/public_cases.json``
sits beside its package (see :func:`is_student_release`).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np

from autograder.course.model import ENGINE_ROOT, Course, FunctionSpec
from autograder.judge.cases import Case
from autograder.judge.oracle import ReferenceOracle
from autograder.sandbox.worker import wire
from autograder.values import RngSeed

DATA_DIR = "autograder_data"
INDEX_FILE = "public_cases.json"
ARRAYS_FILE = "public_cases.npz"
FORMAT = 1


class StudentReleaseError(RuntimeError):
    """Asked for what only the instructors' copy can do (hidden cases, validation) in the student release."""

    def __init__(self, what: str = "grade on hidden cases"):
        super().__init__(f"this is the student release of the grader: it has the public cases only, so it cannot "
                         f"{what}; use `autograder check` to check your work on the public cases")


class NotRecorded(LookupError):
    """The student release was asked for a case or a value that was not recorded."""


def is_student_release(root: Path = ENGINE_ROOT) -> bool:
    """Whether the grader at ``root`` is a student release (it has recorded public cases)."""
    return (Path(root) / DATA_DIR / INDEX_FILE).is_file()


def default_oracle(course: Course, root: Path = ENGINE_ROOT) -> ReferenceOracle | ReplayOracle:
    """The recorded answers in a student release, the course's reference solutions everywhere else
    (one oracle per course and process, see :meth:`~autograder.judge.oracle.ReferenceOracle.shared`)."""
    return ReplayOracle.load(Path(root) / DATA_DIR) if is_student_release(root) else ReferenceOracle.shared(course)


def case_key(case: Case) -> str:
    """Where a case's inputs are recorded: ``<criterion>|<visibility>|<index>``."""
    return f"{case.criterion}|{case.visibility}|{case.index}"


def call_key(function: str, values: list) -> str:
    """A hash of a function's name and the exact values (structure and array bytes) it is called with.

    Dicts count by their keys and values, not by the order of their keys.
    """
    arrays: list = []
    tree = wire.encode(_sorted_dicts(list(values)), arrays, encode_other=_encode_seed)
    return _digest(function, tree, arrays)


def answer_key(function: str, values: list) -> str | None:
    """:func:`call_key`, or None when ``values`` hold an object the wire format cannot carry (two such
    objects would get one key, so an answer for them must not be remembered)."""
    arrays: list = []
    tree = wire.encode(_sorted_dicts(list(values)), arrays, encode_other=_encode_seed)
    return None if _has_opaque(tree) else _digest(function, tree, arrays)


def _digest(function: str, tree, arrays: list) -> str:
    digest = hashlib.sha256(function.encode() + b"\0" + json.dumps(tree).encode())
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


class Recording:
    """Values kept as wire trees over one shared list of arrays, saved as ``.json`` plus ``.npz``."""

    def __init__(self):
        self.arrays: list[np.ndarray] = []
        self.tables: dict[str, dict] = {"inputs": {}, "results": {}}

    def add(self, table: str, key: str, value) -> None:
        """Keep ``value`` under ``key`` in ``table``.

        Raises
        ------
        TypeError
            When ``value`` holds an object the wire format cannot carry (it could not be replayed).
        """
        tree = wire.encode(value, self.arrays, encode_other=_encode_seed)
        if _has_opaque(tree):
            raise TypeError(f"cannot record {table} {key}: expected arrays, numbers, tuples, lists and dicts, "
                            f"found an object of another type")
        self.tables[table][key] = tree

    def save(self, folder: Path) -> None:
        """Write ``public_cases.json`` and ``public_cases.npz`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / ARRAYS_FILE, **{f"a{k}": a for k, a in enumerate(self.arrays)})
        index = {"format": FORMAT, "arrays": len(self.arrays), **self.tables}
        (folder / INDEX_FILE).write_text(json.dumps(index) + "\n")


class RecordingOracle(ReferenceOracle):
    """The reference oracle, keeping every public case's inputs and every answer it gives."""

    def __init__(self, course: Course | None = None):
        super().__init__(course)
        self.recording = Recording()

    def inputs(self, spec: FunctionSpec, case: Case) -> list:
        if case.hidden:
            raise ValueError(f"case {case_key(case)} is hidden; a recording for the student release holds public "
                             f"cases only (grade with mode='check')")
        args = super().inputs(spec, case)
        self.recording.add("inputs", case_key(case), args)
        return args

    def call(self, spec: FunctionSpec, args: list, remember: bool = True):
        result = super().call(spec, args, remember)
        self.recording.add("results", call_key(spec.name, args), _without_cache(spec, result))
        return result

    def forward_backward(self, spec: FunctionSpec, args: list, douts: list, remember: bool = True,
                         forward=None) -> tuple[tuple, tuple]:
        outputs, grads = super().forward_backward(spec, args, douts, remember, forward)
        self.recording.add("results", call_key(f"{spec.name}+{spec.backward}", [args, douts]), (outputs, grads))
        return outputs, grads


class ReplayOracle:
    """Answers from a recording: the oracle of the student release.

    Parameters
    ----------
    index : dict
        The content of ``public_cases.json``.
    arrays : list of ndarray
        The arrays of ``public_cases.npz``, in order.
    """

    def __init__(self, index: dict, arrays: list[np.ndarray]):
        self.index, self.arrays = index, arrays

    @classmethod
    def load(cls, folder: Path) -> ReplayOracle:
        """The recording saved in ``folder``.

        Raises
        ------
        ValueError
            When the files are not a recording of this format.
        """
        index = json.loads((folder / INDEX_FILE).read_text())
        if index.get("format") != FORMAT:
            raise ValueError(f"{folder / INDEX_FILE}: expected recorded cases of format {FORMAT}, found format "
                             f"{index.get('format')!r}; rebuild the release with `autograder release`")
        with np.load(folder / ARRAYS_FILE, allow_pickle=False) as data:
            arrays = [data[f"a{k}"] for k in range(index["arrays"])]
        return cls(index, arrays)

    def inputs(self, spec: FunctionSpec, case: Case) -> list:
        """The recorded inputs of ``case``."""
        return list(self._value("inputs", case_key(case), f"the inputs of case {case_key(case)}"))

    def call(self, spec: FunctionSpec, args: list, remember: bool = True):
        """The recorded return value of the reference function on ``args`` (a forward's cache is None);
        ``remember`` is ignored (a recording remembers everything)."""
        result = self._value("results", call_key(spec.name, args), f"the reference's {spec.name} on these inputs")
        return tuple(result) + (None,) if spec.cache else result

    def forward_backward(self, spec: FunctionSpec, args: list, douts: list, remember: bool = True,
                         forward=None) -> tuple[tuple, tuple]:
        """The recorded outputs and gradients of the reference on ``args`` and ``douts`` (``remember`` and
        ``forward`` are ignored)."""
        key = call_key(f"{spec.name}+{spec.backward}", [args, douts])
        outputs, grads = self._value("results", key, f"the reference's {spec.backward} on these inputs")
        return tuple(outputs), tuple(grads)

    def _value(self, table: str, key: str, what: str):
        tree = self.index.get(table, {}).get(key)
        if tree is None:
            raise NotRecorded(f"{what} was not recorded in this student release (it records the public cases of "
                              f"its rubrics only); expected the release and its rubrics to come from one "
                              f"`autograder release`")
        return copy.deepcopy(wire.decode(tree, self.arrays, _decode_seed))


def _without_cache(spec: FunctionSpec, result):
    return tuple(result[:-1]) if spec.cache else result


def _sorted_dicts(value):
    """``value`` with the keys of its dicts in sorted order, at every depth."""
    if type(value) is dict:
        return {key: _sorted_dicts(value[key]) for key in sorted(value)}
    if type(value) in (tuple, list):
        return type(value)(_sorted_dicts(item) for item in value)
    return value


def _has_opaque(tree) -> bool:
    if isinstance(tree, dict):
        return isinstance(tree.get("o"), str) or any(_has_opaque(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_has_opaque(v) for v in tree)
    return False


def _encode_seed(value):
    return {"rng": value.seed} if isinstance(value, RngSeed) else None


def _decode_seed(tree):
    if "rng" in tree and type(tree["rng"]) is int:
        return RngSeed(tree["rng"])
    raise wire.WireError(f"unexpected node in a recording: {str(tree)[:80]}")
