"""The grader's side of the worker: send a call, wait with a deadline, survive whatever happens.

One :class:`Runner` serves one submission. It starts a sandboxed worker, reuses it for every
case, and restarts it after a crash or a time-out. A function that hung or killed the worker on
:data:`GIVE_UP_AFTER` calls in a row is not called again: later cases of that function fail at
once with the reason, so an infinite loop costs two time limits, not one per case, while a
function that hangs on some inputs only (say p = 1) still runs on the others. Every reply is
treated as untrusted data.
"""

from __future__ import annotations

import os
import selectors
import signal
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.sandbox.isolation import Limits, Sandbox
from autograder.sandbox.worker import wire
from autograder.values import RngSeed

MAX_STDERR = 4096
MAX_CALL_OUTPUT = 8192
STARTUP_SECONDS = 30
MAX_REPLY_BYTES = 64 * 2**20
"""Largest reply accepted from the worker. The course's replies are small (the largest, a full gradient
check's perturbation, holds two ``(directions, *output.shape)`` arrays and is about 50 KB); 64 MiB
still admits a full check of a 2000-value input against a 2000-value output, while a hostile worker
can no longer make the grader hold half a gigabyte."""
GIVE_UP_AFTER = 2
"""Failures of the worker (time-out, crash, exit) in a row after which a function is not called again."""
MALFORMED = ("the worker sent a malformed reply (the submission wrote to the grader's channel, "
             "or a forked process answered)")


class CacheHandle:
    """A forward's cache, kept inside the worker; only its number crosses the wire."""

    def __init__(self, number: int, generation: int):
        self.number, self.generation = number, generation


@dataclass
class CallResult:
    """What came back from one call of a submission's function.

    Exactly one of three things happened: the function returned (``ok``), it raised
    (``error`` describes the exception), or the worker failed around it (``failure`` says how:
    time-out, crash, exit).
    """

    ok: bool = False
    value: object = None
    error: dict | None = None
    failure: str | None = None
    stdout: str = ""
    inputs_after: list | None = None
    forward_inputs_after: list | None = None
    extra: dict = field(default_factory=dict)

    @property
    def problem(self) -> str:
        """A sentence for the student on why there is no value."""
        if self.failure:
            return self.failure
        if self.error:
            where = f" ({self.error['where']})" if self.error.get("where") else ""
            return f"raised {self.error.get('type', 'an exception')}{where}: {self.error.get('message', '')}"
        return ""


class WorkerFailure(Exception):
    """The worker hung, crashed or exited; the message says which, for the student."""


class Runner:
    """Calls a submission's functions in a sandboxed worker.

    Parameters
    ----------
    submission_dir : Path
        The staged submission: a folder of exercise modules.
    sandbox : Sandbox
    forbidden : tuple of str
        Top-level packages the worker refuses to import (the course's list).
    private : tuple of Path
        The course's files the worker must never read (see :meth:`Sandbox.start`).
    deadline : float, optional
        When, on :func:`time.monotonic`'s clock, the submission's time is up; default: its time limit from now.
    """

    def __init__(self, submission_dir: Path, sandbox: Sandbox | None = None, forbidden: tuple[str, ...] = (),
                 private: tuple[Path, ...] = (), deadline: float | None = None):
        self.submission_dir = Path(submission_dir)
        self.forbidden, self.private = tuple(forbidden), tuple(private)
        self.sandbox = sandbox or Sandbox()
        self.limits: Limits = self.sandbox.limits
        self.deadline = deadline if deadline is not None else time.monotonic() + self.limits.submission_seconds
        self.generation = 0
        self.process = None
        self.broken: dict[str, str] = {}
        self.failures_in_a_row: dict[str, int] = {}
        self.import_errors: dict[str, str] = {}
        self.reveal = True
        """Whether the submission's own words (exception texts, exit statuses) may reach a message: not once
        hidden cases run, when they could carry a hidden case's values."""
        self.imported: set[str] = set()
        self.stdout_parts: list[str] = []
        self._releases: list[int] = []
        self._sequence = 0
        self._stderr = bytearray()
        self._stderr_dropped = 0

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the public calls ---------------------------------------------------------------------

    def import_module(self, exercise: str) -> str | None:
        """Import ``exercises.<exercise>`` in the worker; return why it failed, or None."""
        if exercise in self.import_errors:
            return self.import_errors[exercise]
        if exercise in self.imported:
            return None
        try:
            reply, _ = self._request({"op": "import", "module": exercise}, [], what=f"importing {exercise}.py")
        except WorkerFailure as failure:
            self.import_errors[exercise] = f"importing {exercise}.py failed" + (f": {failure}" if self.reveal else "")
            return self.import_errors[exercise]
        if not reply.get("ok") and not self.reveal:
            self.import_errors[exercise] = f"importing {exercise}.py failed"
            return self.import_errors[exercise]
        if not reply.get("ok"):
            error = _error(reply.get("error"))
            where = f" ({error['where']})" if error.get("where") else ""
            self.import_errors[exercise] = (f"importing {exercise}.py raised {error['type']}{where}: "
                                            f"{error['message']}")
            return self.import_errors[exercise]
        self.imported.add(exercise)
        return None

    def call(self, exercise: str, function: str, args: list, keep_cache: bool = False,
             return_inputs: bool = False) -> CallResult:
        """Call ``exercises.<exercise>.<function>(*args)`` in the worker."""
        problem = self._unavailable(exercise, function)
        if problem:
            return CallResult(failure=problem)
        arrays: list = []
        stale = [a for a in args if isinstance(a, CacheHandle) and a.generation != self.generation]
        if stale:
            return CallResult(failure="its cache was lost when the worker restarted after an earlier failure")
        header = {"op": "call", "module": exercise, "fn": function, "keep_cache": keep_cache,
                  "return_inputs": return_inputs, "args": wire.encode(list(args), arrays, encode_other=_encode_special)}
        try:
            reply, out = self._request(header, arrays, what=f"{function}")
        except WorkerFailure as failure:
            return self._failed(function, failure)
        self.failures_in_a_row[function] = 0
        return self._call_result(reply, out, return_inputs=return_inputs)

    def perturb(self, exercise: str, function: str, args: list, leaf: list, directions: np.ndarray,
                step: float, outputs: list[int]) -> CallResult:
        """Evaluate the forward at the leaf ``args[leaf]`` moved by ``±step * direction``.

        On success ``extra`` holds ``plus`` and ``minus``: one array per picked output, each of
        shape ``(len(directions), *output.shape)``.
        """
        problem = self._unavailable(exercise, function)
        if problem:
            return CallResult(failure=problem)
        arrays: list = []
        tree = wire.encode(list(args), arrays, encode_other=_encode_special)
        arrays.append(np.asarray(directions, dtype=np.float64))
        header = {"op": "perturb", "module": exercise, "fn": function, "args": tree, "leaf": leaf,
                  "directions": len(arrays) - 1, "h": step, "outputs": outputs}
        try:
            reply, out = self._request(header, arrays, what=f"{function} (gradient check)")
        except WorkerFailure as failure:
            return self._failed(function, failure)
        self.failures_in_a_row[function] = 0
        result = self._call_result(reply, out, value_key=None)
        if result.ok:
            try:
                result.extra = {sign: self._decode(reply[sign], out) for sign in ("plus", "minus")}
            except (KeyError, wire.WireError):
                return CallResult(failure=MALFORMED)
        return result

    def release(self, handles: list) -> None:
        """Let the worker forget caches no longer needed (sent along with the next request).

        Anything in ``handles`` that is not a live cache handle is ignored.
        """
        self._releases += [h.number for h in handles
                           if isinstance(h, CacheHandle) and h.generation == self.generation]

    @property
    def raw_output(self) -> str:
        """What the submission wrote to its raw file descriptors, truncated."""
        text = self._stderr.decode(errors="replace")
        if self._stderr_dropped:
            text += f"\n... ({self._stderr_dropped} more bytes not shown)"
        return text

    def close(self) -> None:
        """Kill the worker and everything it started."""
        if self.process is None:
            return
        started, self.process = self.process, None
        process = started.process
        self.generation += 1  # the worker's caches die with it: their handles are stale from now on
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        started.release()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._stderr_thread.join(timeout=1)

    # -- the machinery ------------------------------------------------------------------------

    def _failed(self, function: str, failure: WorkerFailure) -> CallResult:
        """Count a failure of the worker in ``function``; give the function up after enough in a row."""
        self.failures_in_a_row[function] = self.failures_in_a_row.get(function, 0) + 1
        if self.failures_in_a_row[function] >= GIVE_UP_AFTER:
            self.broken[function] = str(failure)
        return CallResult(failure=str(failure))

    def _unavailable(self, exercise: str, function: str) -> str | None:
        problem = self.import_module(exercise)
        if problem:
            return problem
        if function in self.broken:
            return f"not run: an earlier call of {function} {self.broken[function]}"
        return None

    def _call_result(self, reply: dict, arrays: list, value_key: str | None = "result",
                     return_inputs: bool = False) -> CallResult:
        stdout = str(reply.get("stdout", ""))[:MAX_CALL_OUTPUT]
        if stdout:
            self.stdout_parts.append(stdout)
        if not reply.get("ok"):
            return CallResult(error=_error(reply.get("error")), stdout=stdout)
        try:
            result = CallResult(ok=True, stdout=stdout)
            if value_key:
                result.value = self._decode(reply[value_key], arrays)
            if return_inputs:
                result.inputs_after = self._decode(reply["inputs_after"], arrays)
                if not isinstance(result.inputs_after, list):
                    raise wire.WireError("inputs_after is not a list")
            if "forward_inputs_after" in reply:
                result.forward_inputs_after = self._decode(reply["forward_inputs_after"], arrays)
        except (KeyError, wire.WireError):
            return CallResult(failure=MALFORMED)
        return result

    def _decode(self, tree, arrays):
        def special(node):
            if "h" in node and type(node["h"]) is int:
                return CacheHandle(node["h"], self.generation)
            raise wire.WireError("unexpected node from the worker")

        return wire.decode(tree, arrays, special)

    def _start(self) -> None:
        self.generation += 1
        self.imported.clear()
        self._releases = []
        self.process = self.sandbox.start(self.submission_dir, self.forbidden, self.private)
        process = self.process.process
        os.set_blocking(process.stdout.fileno(), False)
        self._stderr_thread = threading.Thread(target=self._drain_stderr, args=(process.stderr,), daemon=True)
        self._stderr_thread.start()
        try:
            ready, _ = wire.unpack(self._read_frame(process, time.monotonic() + STARTUP_SECONDS))
        except (_TimedOut, _Ended, wire.WireError):
            reason = f"the worker process could not start within {STARTUP_SECONDS} s"
            self.close()
            raise WorkerFailure(reason) from None
        if ready.get("ready") is not True:
            self.close()
            raise WorkerFailure("the worker process did not start properly")

    def _drain_stderr(self, stream) -> None:
        for chunk in iter(lambda: stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536), b""):
            room = MAX_STDERR - len(self._stderr)
            self._stderr += chunk[:max(room, 0)]
            self._stderr_dropped += max(len(chunk) - max(room, 0), 0)

    def _request(self, header: dict, arrays: list, what: str) -> tuple[dict, list]:
        """Send one request and wait for its reply within the call and submission limits."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise WorkerFailure(f"was not run: the submission's time limit of {self.limits.submission_seconds:g} s "
                                f"was used up")
        if self.process is None:
            self._start()
        process = self.process.process
        timeout = min(self.limits.call_seconds, remaining)
        self._sequence += 1
        header = dict(header, seq=self._sequence)
        if self._releases:
            header, self._releases = dict(header, release=self._releases), []
        try:
            process.stdin.write(wire.pack(header, arrays))
            process.stdin.flush()
            reply, out = wire.unpack(self._read_frame(process, time.monotonic() + timeout))
            if reply.get("seq") != self._sequence:
                raise wire.WireError("a reply that answers another request")
        except _TimedOut:
            self.close()
            raise WorkerFailure(f"did not finish within {timeout:g} s (an endless loop, a long sleep or a very "
                                f"slow implementation?); the worker was stopped") from None
        except (BrokenPipeError, ConnectionResetError, _Ended):
            raise WorkerFailure(self._death_reason(what)) from None
        except wire.WireError:
            self.close()
            raise WorkerFailure("broke the connection to the grader: " + MALFORMED) from None
        return reply, out

    def _read_frame(self, process, deadline: float) -> bytearray:
        """The body of the worker's next reply, read into one buffer of the announced size (no copies)."""
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            (size,) = struct.unpack(">Q", _read_into(fd, selector, bytearray(8), deadline))
            if size > MAX_REPLY_BYTES:
                raise wire.WireError(f"reply of {size} bytes is larger than allowed")
            body = _read_into(fd, selector, bytearray(size), deadline)
            if selector.select(0) and _read_some(fd, bytearray(1)):
                raise wire.WireError("the worker sent more than one reply")
        return body

    def _death_reason(self, what: str) -> str:
        """Why the worker died, from its exit status (bubblewrap reports a signal N as status 128 + N)."""
        process = self.process.process
        try:
            code = process.wait(timeout=2)
        except Exception:
            code = None
        self.close()
        if code is None:
            return f"closed its connection to the grader while {what} ran"
        if code > 128 and self.sandbox.bwrap and code - 128 in signal.Signals._value2member_map_:
            code = 128 - code
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            causes = {"SIGSEGV": "a segmentation fault", "SIGXCPU": "the CPU time limit", "SIGKILL": "a kill signal "
                      "(out of memory or a process limit?)", "SIGABRT": "an abort", "SIGXFSZ": "the file size limit",
                      "SIGBUS": "a bus error"}
            return f"crashed the worker with {name} ({causes.get(name, 'a signal')}) while {what} ran"
        return f"ended the worker process with exit status {code} while {what} ran (sys.exit or os._exit?)"


def _error(error) -> dict:
    """An exception description from the worker, reduced to plain strings of bounded length."""
    error = error if isinstance(error, dict) else {}
    text = {key: str(error.get(key) or "")[:2000] for key in ("type", "message", "where", "traceback")}
    text["type"] = text["type"][:100] or "an exception"
    return dict(text, is_value_error=error.get("is_value_error") is True)


def _read_into(fd: int, selector, buffer: bytearray, deadline: float) -> bytearray:
    """Fill ``buffer`` from the non-blocking ``fd`` before ``deadline``."""
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise _TimedOut()
        count = _read_some(fd, view[filled:])
        if count == 0:
            raise _Ended()
        filled += count or 0
    view.release()
    return buffer


def _read_some(fd: int, target) -> int | None:
    """How many bytes were read from ``fd`` into the buffer ``target``; None if none were ready."""
    try:
        return os.readv(fd, [target])
    except BlockingIOError:
        return None


class _TimedOut(Exception):
    pass


class _Ended(Exception):
    pass


def _encode_special(value):
    if isinstance(value, CacheHandle):
        return {"h": value.number}
    if isinstance(value, RngSeed):
        return {"rng": value.seed}
    return None
