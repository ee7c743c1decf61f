"""The worker: imports a submission as the package ``exercises`` and calls its functions on request.

Run by the grader as ``python -I -S worker.py --submission DIR --site DIR [--forbid NAME ...]``,
inside the sandbox where the OS offers one. Requests arrive on standard input and replies leave
on standard output, both as :mod:`wire` frames; the submission's own prints are captured per
call and anything it writes to the raw file descriptors goes to standard error, which the grader
drains and truncates. The worker never sees an expected value: it only runs code and returns
what the code returned. It is untrusted (the submission runs inside it), so the grader treats
every reply as data to check, never as a verdict.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import importlib.abc
import importlib.machinery
import io
import os
import sys
import time
import traceback
import types

MAX_CAPTURE = 4096
SUBMISSION = "/sandbox/submission/"


class BlockForbidden(importlib.abc.MetaPathFinder):
    """Refuses to import the packages a submission may not use."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ImportError(f"importing {fullname!r} is not allowed in a submission")
        return None


class BoundedText(io.TextIOBase):
    """A text stream that keeps the first ``MAX_CAPTURE`` characters written to it."""

    def __init__(self):
        self.parts, self.size, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = MAX_CAPTURE - self.size
        self.parts.append(text[:room])
        self.size += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def getvalue(self):
        note = f"\n... ({self.dropped} more characters not shown)" if self.dropped else ""
        return "".join(self.parts) + note


class Worker:
    """The request loop and the state it keeps: imported modules and cached forward results."""

    def __init__(self, requests, replies):
        self.requests, self.replies = requests, replies
        self.caches = {}
        self.next_handle = 1

    def serve(self):
        self.send({"ready": True}, [])
        owner = os.getpid()
        while True:
            body = wire.read_frame(self.requests)
            if body is None:
                return
            header, arrays = wire.unpack(body)
            reply, out_arrays = self.handle(header, arrays)
            if os.getpid() != owner:  # a process the submission forked must never answer
                os._exit(0)
            self.send(dict(reply, seq=header.get("seq")), out_arrays)

    def send(self, reply, arrays):
        self.replies.write(wire.pack(reply, arrays))
        self.replies.flush()

    def handle(self, header, arrays):
        for handle in header.get("release", []):
            self.caches.pop(handle, None)
        op = header.get("op")
        if op == "import":
            return self.run(lambda: importlib.import_module(f"exercises.{header['module']}") and None)
        if op == "call":
            return self.call(header, arrays)
        if op == "perturb":
            return self.perturb(header, arrays)
        return {"ok": False, "error": {"type": "WorkerError", "message": f"unknown op {op!r}"}}, []

    def function(self, header):
        module = importlib.import_module(f"exercises.{header['module']}")
        function = getattr(module, header["fn"], None)
        if function is None:
            raise AttributeError(f"{header['module']}.py defines no function {header['fn']}")
        return function

    def decode_special(self, tree):
        if "h" in tree:
            if tree["h"] not in self.caches:
                raise KeyError(f"cache handle {tree['h']} is unknown")
            return self.caches[tree["h"]][0]
        import numpy as np

        return np.random.default_rng(tree["rng"])

    def call(self, header, arrays):
        args = wire.decode(header["args"], arrays, self.decode_special)
        handles = [a["h"] for a in header["args"]["list"] if isinstance(a, dict) and "h" in a]
        result_holder = {}

        def run_call():
            result_holder["value"] = self.function(header)(*args)

        reply, _ = self.run(run_call)
        if not reply["ok"]:
            return reply, []
        value, out_arrays = result_holder["value"], []
        kind, items = wire.plain_items(value) if wire.is_sequence(value) else (None, [])
        if header.get("keep_cache") and items:
            handle = self.next_handle
            self.next_handle += 1
            self.caches[handle] = (items[-1], args)
            reply["result"] = wire.encode(items[:-1] if kind == "list" else tuple(items[:-1]), out_arrays)
            reply["result"][kind].append({"h": handle})
        else:
            reply["result"] = wire.encode(value, out_arrays)
        if header.get("return_inputs"):
            reply["inputs_after"] = wire.encode(list(args), out_arrays, encode_other=lambda v: {"o": "cache"})
            for handle in handles:
                reply.setdefault("forward_inputs_after", wire.encode(list(self.caches[handle][1]), out_arrays,
                                                                     encode_other=lambda v: {"o": "object"}))
        return reply, out_arrays

    def perturb(self, header, arrays):
        """Evaluate the forward at ``args`` moved by ``+h*v`` and ``-h*v`` for every direction ``v``."""
        import numpy as np

        args = wire.decode(header["args"], arrays, self.decode_special)
        directions = arrays[header["directions"]]
        path, step, picks = header["leaf"], header["h"], header["outputs"]
        collected = {sign: [] for sign in (1, -1)}

        def run_all():
            function = self.function(header)
            base = _get(args, path)
            for direction in directions:
                for sign in (1, -1):
                    moved = _replace(copy.deepcopy(args), path, base + sign * step * direction.reshape(base.shape))
                    value = function(*moved)
                    collected[sign].append([np.array(value[i], dtype=np.float64) for i in picks])

        reply, _ = self.run(run_all)
        if not reply["ok"]:
            return reply, []
        out_arrays = []
        try:
            stacks = {sign: [np.stack([row[i] for row in rows]) for i in range(len(picks))]
                      for sign, rows in collected.items()}
        except (ValueError, TypeError) as error:
            return {"ok": False, "error": {"type": "ShapeError",
                                           "message": f"the forward's outputs changed shape between calls: {error}"}}, []
        reply["plus"] = wire.encode(stacks[1], out_arrays)
        reply["minus"] = wire.encode(stacks[-1], out_arrays)
        return reply, out_arrays

    def run(self, action):
        """Run ``action`` with its prints captured; describe any exception it raises."""
        capture = BoundedText()
        sys.stdout = sys.stderr = capture
        start = time.perf_counter()
        try:
            action()
            reply = {"ok": True}
        except BaseException as error:  # the submission may raise anything, SystemExit included
            reply = {"ok": False, "error": describe(error)}
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        reply["seconds"] = time.perf_counter() - start
        reply["stdout"] = capture.getvalue()
        return reply, []


def _get(args, path):
    value = args
    for key in path:
        value = value[key]
    return value


def _replace(args, path, new):
    """``args`` with the leaf at ``path`` replaced by ``new`` (the containers on the path are copied)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(args, dict):
        return {**args, head: _replace(args[head], rest, new)}
    items = list(args)
    items[head] = _replace(items[head], rest, new)
    return type(args)(items)


def describe(error):
    """A plain description of an exception raised by the submission."""
    frames = traceback.extract_tb(error.__traceback__)
    student = [f for f in frames if f.filename.startswith(SUBMISSION)]
    where = student[-1] if student else (frames[-1] if frames else None)
    location = f"{os.path.basename(where.filename)}, line {where.lineno}" if where else None
    message = str(error)
    if isinstance(error, SystemExit):
        message = f"the code called sys.exit({error.code!r})"
    return {
        "type": type(error).__name__,
        "is_value_error": isinstance(error, ValueError),
        "message": message[:1000],
        "where": location,
        "traceback": "".join(traceback.format_list(student[-5:]))[:2000],
    }


def make_exercises_package(submission):
    """Register ``submission`` as the package ``exercises`` without running any ``__init__.py`` in it.

    Each exercise module is then imported on its own, so a broken module costs only its exercise.
    """
    spec = importlib.machinery.ModuleSpec("exercises", None, is_package=True)
    spec.submodule_search_locations = [submission]
    package = types.ModuleType("exercises")
    package.__spec__, package.__path__, package.__package__ = spec, [submission], "exercises"
    sys.modules["exercises"] = package


def main():
    global wire, SUBMISSION
    parser = argparse.ArgumentParser()
    parser.add_argument("--submission", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--forbid", nargs="*", default=[])
    options = parser.parse_args()

    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [options.site, here] + [p for p in sys.path if "-packages" not in p]
    import numpy  # noqa: F401  (imported before the blocker, so numpy's own optional imports work)
    import wire  # loaded by path: the worker does not see the grader's package

    for name in options.forbid:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, BlockForbidden(options.forbid))
    sys.dont_write_bytecode = True
    SUBMISSION = os.path.join(os.path.abspath(options.submission), "")
    make_exercises_package(options.submission)
    Worker(requests, replies).serve()


wire = None

if __name__ == "__main__":
    main()
