"""The batch's journal: what happened to every submission, durable across crashes of the client.

``OUT/journal.jsonl`` holds one JSON line per event of a submission: ``graded`` and ``error``
(the submission's own fault: a broken zip, a grade that could not run) are final, ``lost`` (the
infrastructure failed: a grading process or a cluster worker died every time it was tried) and
``unreadable`` (its files could not be read) are not, so a rerun tries those again. Each line
records the key the state is valid for: the submission's content hash, the course version, the
assignment and the notebook cells graded. A rerun skips a submission whose last line is final for
the same key and whose report is on disk; a task that ran twice (a cluster may run one again after
losing track of a worker) is written once, because its second result finds the first final.

Lines are appended and flushed to disk one by one, so a client killed at any moment leaves at most
a torn last line, which is ignored. One batch at a time writes an OUT: a second one is refused
while the first holds ``OUT/.batch.lock``.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

from autograder.reports._files import atomic_write_text

FINAL = ("graded", "error")
"""States a rerun keeps; any other is tried again."""
JOURNAL = "journal.jsonl"
LOCK = ".batch.lock"


class JournalBusy(RuntimeError):
    """Another batch is writing the same OUT."""


class Journal:
    """The journal of the batch folder ``out``, held for writing until :meth:`close`.

    Raises
    ------
    JournalBusy
        When another ``autograder batch`` holds ``out``.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.out / LOCK, "a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise JournalBusy(f"{self.out} is being written by another `autograder batch`; wait for it to finish "
                              f"(or stop it) before grading into the same folder") from None
        self.path = self.out / JOURNAL
        self.states: dict[str, dict] = {}
        for line in self._lines():
            self.states[line["submission"]] = line
        self._compact()
        self._file = open(self.path, "a", encoding="utf-8")

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the journal (and the folder's lock)."""
        if not self._file.closed:
            self._file.close()
            self._lock.close()

    def state(self, name: str) -> dict | None:
        """The last line recorded for the submission ``name``, or None."""
        return self.states.get(name)

    def is_final(self, name: str, key: dict) -> bool:
        """Whether ``name`` reached a final state for exactly ``key``."""
        line = self.states.get(name)
        return bool(line) and line["state"] in FINAL and line.get("key") == key

    def record(self, name: str, state: str, key: dict | None, **details) -> None:
        """Append a line: ``name`` is now in ``state`` for ``key``, with ``details`` (reason, host ...)."""
        line = {"submission": name, "state": state, "key": key, "time": round(time.time(), 3), **details}
        self._file.write(json.dumps(line, sort_keys=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.states[name] = line

    def _lines(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return
        for raw in text.splitlines():
            try:
                line = json.loads(raw)
            except ValueError:  # a line torn by a crash
                continue
            if isinstance(line, dict) and isinstance(line.get("submission"), str) and "state" in line:
                yield line

    def _compact(self) -> None:
        """Keep the last line of each submission only, so the journal does not grow with every rerun."""
        text = "".join(json.dumps(line, sort_keys=True) + "\n" for line in self.states.values())
        atomic_write_text(self.path, text)
