"""The fault suite: submissions that hang, crash, exhaust resources or return nonsense.

Every fault is one module of an otherwise correct submission (the reference modules, with one
replaced), graded for real in the sandboxed worker with short limits
(``Limits(call_seconds=2, submission_seconds=30)``). Each must

- cost only its own exercise: every other exercise keeps full marks;
- be explained: the student's report says what happened (checked by key words);
- finish in time: the grade takes far less than the submission's time limit;
- leave nothing behind: the grader survives and no process of the submission remains.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox.runner import Runner
from autograder.sandbox import cgroups
from autograder.sandbox.isolation import bubblewrap
from autograder.sandbox.staging import stage

from builders import build_submission, on_reference
from hostile import course_rubrics, fast_sandbox, lingering, marker, other_exercises, run_grade

SECONDS_BOUND = 25.0
"""A generous bound on one faulty grade (the submission's limit is 30 s, one call's 2 s)."""

ONCE = "\n_DONE = set()\n\ndef _once(name):\n    first = name not in _DONE\n    _DONE.add(name)\n    return first\n"
"""A helper for faults that are expensive: do it on the first call only."""

LAST = "@LAST@"
"""Stands for the last exercise graded: a fault there cannot disturb the exercises graded after it."""


def fault(name, exercise, source, loss, *keywords):
    """One fault: the exercise it breaks, its module (@MARKER@ names its processes), whether the exercise
    loses every point ("zero") or some ("less"), and key words (a tuple: any of them) its messages hold."""
    return pytest.param(exercise, source, loss, keywords, id=name)


def _wrap(body: str) -> str:
    """The reference conv with ``body`` wrapping its functions (``_forward``, ``_backward`` are the originals)."""
    return on_reference("conv", "_forward, _backward = conv2d_forward, conv2d_backward\n" + body)


FAULTS = [
    fault("infinite loop at import", "conv", "while True:\n    pass\n", "zero",
          "importing conv.py", "did not finish within 2 s"),
    fault("infinite loop inside a call", "conv",
          "def conv2d_forward(*args):\n    while True:\n        pass\n\n"
          "def conv2d_backward(*args):\n    while True:\n        pass\n",
          "zero", "did not finish within 2 s", "not run: an earlier call of conv2d_forward"),
    fault("infinite loop in the backward only", "conv",
          _wrap("\ndef conv2d_backward(dout, cache):\n    while True:\n        pass\n"),
          "less", "conv2d_backward did not finish within 2 s"),
    fault("a long sleep inside a call", "conv",
          "import time\n\ndef conv2d_forward(*args):\n    time.sleep(1000)\n\n"
          "def conv2d_backward(*args):\n    time.sleep(1000)\n",
          "zero", "did not finish within 2 s", "long sleep"),
    fault("a memory bomb", "conv",
          "import numpy as np\n\ndef conv2d_forward(*args):\n    hog = []\n    while True:\n"
          "        hog.append(np.empty(2**27))\n\ndef conv2d_backward(*args):\n    return bytearray(2**40)\n",
          "zero", "raised MemoryError"),
    fault("a fork bomb", LAST,
          "import os\nwith open('/proc/self/comm', 'w') as comm:\n    comm.write('@MARKER@')\nwhile True:\n    os.fork()\n",
          "zero", "importing", ("BlockingIOError", "more than one reply", "process")),
    fault("a segmentation fault through ctypes", "conv",
          "import ctypes\n\ndef conv2d_forward(*args):\n    ctypes.string_at(0)\n\n"
          "def conv2d_backward(*args):\n    ctypes.string_at(0)\n",
          "zero", "SIGSEGV", "segmentation fault"),
    fault("a C stack overflow", "conv",
          "import json, sys\nsys.setrecursionlimit(10**8)\n\ndef conv2d_forward(*args):\n"
          "    return json.loads('[' * 10**6 + ']' * 10**6)\n\n"
          "def conv2d_backward(*args):\n    return None\n",
          "zero", "crashed the worker with SIGSEGV"),
    fault("killing itself with SIGKILL", "conv",
          "import os, signal\n\ndef conv2d_forward(*args):\n    os.kill(os.getpid(), signal.SIGKILL)\n\n"
          "def conv2d_backward(*args):\n    os.kill(os.getpid(), signal.SIGKILL)\n",
          "zero", "SIGKILL"),
    fault("closing every file descriptor, the worker's pipes included", "conv",
          "import os\n\ndef conv2d_forward(*args):\n    for fd in range(64):\n        try:\n"
          "            os.close(fd)\n        except OSError:\n            pass\n\n"
          "def conv2d_backward(*args):\n    return None\n",
          "zero", ("exit status", "closed its connection", "crashed")),
    fault("200 MB printed", "conv",
          "print('x' * 200 * 2**20)\n" + ONCE + "\ndef conv2d_forward(*args):\n    if _once('f'):\n"
          "        print('y' * 200 * 2**20)\n    raise ValueError('too much output')\n\n"
          "def conv2d_backward(*args):\n    return None\n",
          "zero", "raised ValueError", "too much output"),
    fault("200 MB written to file descriptors 1 and 2", "conv",
          "import os\nos.write(1, b'x' * 200 * 2**20)\n" + ONCE + "\ndef conv2d_forward(*args):\n"
          "    if _once('f'):\n        for fd in (1, 2):\n            os.write(fd, b'y' * 100 * 2**20)\n"
          "    raise ValueError('too much output')\n\ndef conv2d_backward(*args):\n    return None\n",
          "zero", "raised ValueError", "too much output"),
    fault("a syntax error", "conv", "import numpy as np\n\ndef conv2d_forward(x, w, b, stride=1, pad=0)\n    return x\n",
          "zero", "syntax error at line 3", "scores zero"),
    fault("an import error", "conv", "import numpy as np\nimport numpy_helpers_from_my_laptop\n",
          "zero", "importing conv.py raised ModuleNotFoundError", "numpy_helpers_from_my_laptop"),
    fault("sys.exit at import", "conv", "import sys\nsys.exit(3)\n", "zero", "importing conv.py", "sys.exit(3)"),
    fault("os._exit at import", "conv", "import os\nos._exit(7)\n", "zero", "importing conv.py", "exit status 7"),
    fault("sys.exit inside a call", "conv",
          "import sys\n\ndef conv2d_forward(*args):\n    sys.exit(4)\n\ndef conv2d_backward(*args):\n    sys.exit(4)\n",
          "zero", "conv2d_forward raised SystemExit", "sys.exit(4)"),
    fault("os._exit inside a call", "conv",
          "import os\n\ndef conv2d_forward(*args):\n    os._exit(9)\n\ndef conv2d_backward(*args):\n    os._exit(9)\n",
          "zero", "exit status 9", "while conv2d_forward ran"),
    fault("wrong return types", "conv",
          "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return 'out', {}\n\n"
          "def conv2d_backward(dout, cache):\n    return [1, 2, 3]\n",
          "zero", "out is str; expected a numpy.ndarray"),
    fault("no cache returned", "conv",
          _wrap("\ndef conv2d_forward(*args):\n    return _forward(*args)[0]\n"),
          "zero", "conv2d_forward returned ndarray; expected a tuple (out, cache)"),
    fault("integer arrays returned", "conv",
          _wrap("\ndef conv2d_forward(*args):\n    out, cache = _forward(*args)\n    return out.astype(int), cache\n"),
          "less", "out has dtype int64; expected a floating dtype"),
    fault("wrong shapes", "conv",
          _wrap("\ndef conv2d_forward(*args):\n    out, cache = _forward(*args)\n    return out.swapaxes(0, 1), cache\n\n"
                "def conv2d_backward(dout, cache):\n    return _backward(dout.swapaxes(0, 1), cache)\n"),
          "zero", "out has shape", "; expected (", "out is wrong on this case"),
    fault("NaN outputs", "conv",
          _wrap("\ndef conv2d_forward(*args):\n    out, cache = _forward(*args)\n    return out * float('nan'), cache\n\n"
                "def conv2d_backward(dout, cache):\n    return tuple(g * float('nan') for g in _backward(dout, cache))\n"),
          "zero", "out contains NaN or infinite values", "dx contains NaN or infinite values"),
]


@pytest.mark.parametrize("exercise, source, loss, keywords", FAULTS)
def test_a_fault_costs_only_its_own_exercise_says_what_happened_and_finishes_in_time(tmp_path, exercise, source,
                                                                                       loss, keywords):
    token = marker("fault")
    rubrics = course_rubrics()
    exercise = rubrics[-1].exercise if exercise == LAST else exercise
    graded = run_grade(tmp_path / "s", {exercise: source.replace("@MARKER@", token)}, rubrics,
                       sandbox=fast_sandbox())
    if loss == "zero":
        assert graded.score(exercise) == 0, graded.messages(exercise)
    else:
        assert 0 < graded.score(exercise) < graded.max_score(exercise), graded.messages(exercise)
    for other in other_exercises(rubrics, exercise):
        assert graded.full(other), (other, graded.messages(other))
    messages = graded.messages(exercise).lower()
    missing = [word for word in keywords
               if not any(w.lower() in messages for w in (word if isinstance(word, tuple) else (word,)))]
    assert missing == [], f"the report does not say {missing}: {graded.messages(exercise)[:1500]}"
    assert graded.result.seconds < SECONDS_BOUND
    assert all(len(text) < 2**20 for text in graded.texts.values()), "a report grew with the output"
    assert lingering(token) == []


OTHER_FAULTS = {
    "os._exit at import": ("import os\nos._exit(5)\n", "exit status 5"),
    "a segmentation fault at import": ("import ctypes\nctypes.string_at(0)\n", "SIGSEGV"),
    "an infinite loop at import": ("while True:\n    pass\n", "did not finish within 2 s"),
}


@pytest.mark.parametrize("fault", list(OTHER_FAULTS))
def test_a_fault_in_another_exercise_leaves_conv_with_full_marks(tmp_path, fault):
    rubrics = course_rubrics(others=1)
    others = other_exercises(rubrics, "conv")
    if not others:
        pytest.skip("no second exercise has a usable rubric yet")
    broken = others[0]
    source, keyword = OTHER_FAULTS[fault]
    graded = run_grade(tmp_path / "s", {broken: source}, rubrics, sandbox=fast_sandbox())
    assert graded.score(broken) == 0
    assert graded.full("conv"), graded.messages("conv")
    assert keyword in graded.messages(broken), graded.messages(broken)
    assert graded.result.seconds < SECONDS_BOUND
    assert lingering("__never__") == []


FLOOD_RAW = ("import os\n" + ONCE + "\ndef conv2d_forward(*args):\n    if _once('f'):\n"
             "        os.write(1, b'y' * 200 * 2**20)\n    raise ValueError('flood')\n\n"
             "def conv2d_backward(*args):\n    return None\n")


def test_flooded_output_is_truncated_in_the_students_report(tmp_path):
    rubrics = course_rubrics(others=1)
    graded = run_grade(tmp_path / "s", {"conv": FLOOD_RAW}, rubrics, sandbox=fast_sandbox(), mode="check")
    assert graded.score("conv") == 0
    assert all(graded.full(other) for other in other_exercises(rubrics, "conv"))
    assert 0 < len(graded.result.output) <= 20000
    assert "more characters not shown" in graded.texts["markdown"]
    assert graded.result.seconds < SECONDS_BOUND


def test_the_report_says_how_much_of_a_flood_of_raw_output_was_dropped(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": FLOOD_RAW}, course_rubrics(others=0), sandbox=fast_sandbox(),
                       mode="check")
    assert "more bytes not shown" in graded.result.output


FORK_ONCE = _wrap('''
import os as _os, time as _time
_CALLS = []

def conv2d_forward(*args):
    """Correct; its first call forks, and the copy answers late (as a forgotten child process would)."""
    _CALLS.append(1)
    if len(_CALLS) == 1 and _os.fork() == 0:
        _time.sleep(0.3)
    elif len(_CALLS) == 2:
        _time.sleep(0.8)
    return _forward(*args)
''')


def test_a_child_process_that_answers_late_is_not_taken_for_the_answer_to_another_case(tmp_path):
    rubrics = course_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": FORK_ONCE}, rubrics, sandbox=fast_sandbox())
    messages = graded.messages("conv")
    assert "has shape" not in messages and "is wrong" not in messages, messages
    assert all(graded.full(other) for other in other_exercises(rubrics, "conv"))
    assert lingering("__never__") == []


SHAPE_SHIFTER = _wrap('''
import sys as _sys

def conv2d_forward(x, w, b, stride=1, pad=0):
    """Correct, except that under a gradient check's perturbations it returns one channel fewer."""
    out, cache = _forward(x, w, b, stride, pad)
    if _sys._getframe(1).f_code.co_name == "run_all":
        return out[:, 1:], cache
    return out, cache
''')


def test_a_forward_whose_output_shape_changes_between_calls_costs_only_its_exercise(tmp_path):
    rubrics = course_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": SHAPE_SHIFTER}, rubrics, sandbox=fast_sandbox())
    assert graded.score("conv") < graded.max_score("conv")
    assert all(graded.full(other) for other in other_exercises(rubrics, "conv"))
    assert "gradient" in graded.messages("conv") or "shape" in graded.messages("conv")


FORKS_AND_SLEEPS = "import os, time\nfor _ in range(20):\n    if os.fork() == 0:\n        time.sleep(1000)\n"


@pytest.mark.skipif(cgroups.support().version is None, reason="cgroups are used only when the grader may create them "
                                                             "(as root)")
def test_the_workers_cgroup_is_removed_after_its_processes_are_killed(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": FORKS_AND_SLEEPS})
    with stage(submission) as staged:
        runner = Runner(staged.path, fast_sandbox())
        assert runner.import_module("conv") is None
        folders = list(runner.process.cgroup.paths)
        runner.close()
    deadline = time.monotonic() + 3
    while any(f.exists() for f in folders) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert folders and not [f for f in folders if f.exists()], "a cgroup was left behind"
    assert lingering("__never__") == []


HANGS_ON_ONE = "def conv2d_forward(x):\n    while x == 1:\n        pass\n    return x\n"


def test_a_function_that_hangs_on_some_inputs_still_runs_on_the_others_until_it_hangs_twice_in_a_row(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": HANGS_ON_ONE})
    with stage(submission) as staged, Runner(staged.path, fast_sandbox(call_seconds=1)) as runner:
        outcomes = [runner.call("conv", "conv2d_forward", [x]) for x in (1, 2, 1, 2, 1, 1, 2)]
    assert [result.ok for result in outcomes] == [False, True, False, True, False, False, False]
    assert "did not finish within 1 s" in outcomes[0].failure
    assert outcomes[-1].failure.startswith("not run: an earlier call of conv2d_forward did not finish")


EXITS_ON_REQUEST = on_reference("conv", "import os\n\n\ndef leave():\n    os._exit(3)\n")


def test_a_cache_lost_with_a_worker_that_died_is_reported_as_lost_and_never_sent_to_the_next_worker(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": EXITS_ON_REQUEST})
    x, w, b = np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)), np.zeros(1)
    with stage(submission) as staged, Runner(staged.path, fast_sandbox()) as runner:
        forward = runner.call("conv", "conv2d_forward", [x, w, b], keep_cache=True)
        died = runner.call("conv", "leave", [])
        backward = runner.call("conv", "conv2d_backward", [np.zeros((1, 1, 2, 2)), forward.value[-1]])
        again = runner.call("conv", "conv2d_forward", [x, w, b], keep_cache=True)
        after = runner.call("conv", "conv2d_backward", [np.zeros((1, 1, 2, 2)), again.value[-1]])
    assert "exit status 3" in died.failure
    assert backward.failure == "its cache was lost when the worker restarted after an earlier failure"
    assert after.ok, after.problem


FILLS_A_FOLDER = '''
import errno, os

def fill(folder, megabytes=100):
    """Bytes written into ``folder`` (in 8 MiB files, under the file size limit) and the error that stopped it."""
    written, chunk = 0, b"\\1" * 2**20
    try:
        for k in range(megabytes // 8 + 1):
            with open(os.path.join(folder, f"fill{k}"), "wb") as out:
                for _ in range(8):
                    if written >= megabytes * 2**20:
                        return written, None
                    written += out.write(chunk)
    except OSError as error:
        return written, errno.errorcode.get(error.errno, str(error))
    return written, None
'''


def _shared_memory_bytes() -> int:
    """The host's shared memory (tmpfs pages included), from /proc/meminfo."""
    for line in open("/proc/meminfo"):
        if line.startswith("Shmem:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no Shmem line in /proc/meminfo")


@pytest.mark.skipif(bubblewrap() is None, reason="the tmpfs mounts under test exist only in the bubblewrap sandbox")
def test_writing_outside_tmp_in_the_sandbox_fails_and_cannot_grow_memory(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": FILLS_A_FOLDER})
    hidden = [str(p) for p in Path(sys.base_prefix).resolve().glob("lib/python3*/site-packages")]
    with stage(submission) as staged, Runner(staged.path, fast_sandbox(call_seconds=10)) as runner:
        before = _shared_memory_bytes()
        outcomes = {folder: runner.call("conv", "fill", [folder]).value
                    for folder in ["/", "/sandbox", "/sandbox/site", "/dev", *hidden]}
        grown = _shared_memory_bytes() - before  # measured while the worker, and its mounts, still live
        in_tmp = runner.call("conv", "fill", ["/tmp"]).value
    for folder, (written, error) in outcomes.items():
        assert written == 0 and error in ("EROFS", "ENOSPC"), (folder, written, error)
    assert grown < 100 * 2**20, f"shared memory grew by {grown} bytes"  # 500 MB were attempted
    assert in_tmp[1] == "ENOSPC" and in_tmp[0] <= 4 * fast_sandbox().limits.file_bytes, in_tmp


JSON_BOMB = _wrap('''
import json as _json, struct as _struct, sys as _sys

_wire = _sys.modules["wire"]


def _bomb(header, arrays):
    """Every reply: a 30 MB JSON header of ten million empty objects (well under the reply size limit)."""
    head = _json.dumps(dict(header, blobs=[])).encode()[:-1] + b', "junk": [' + b"{}," * 10**7 + b"{}]}"
    body = _struct.pack(">I", len(head)) + head
    return _struct.pack(">Q", len(body)) + body


_wire.pack = _bomb
''')


def test_a_reply_with_a_huge_json_header_is_refused_unparsed_and_costs_only_its_exercise(tmp_path):
    rubrics = course_rubrics()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    graded = run_grade(tmp_path / "s", {"conv": JSON_BOMB}, rubrics, sandbox=fast_sandbox())
    peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    assert graded.score("conv") == 0 and "malformed reply" in graded.messages("conv")
    assert all(graded.full(other) for other in other_exercises(rubrics, "conv"))
    assert peak_growth < 200 * 2**20, f"the grader's peak memory grew by {peak_growth} bytes"  # parsed: gigabytes
