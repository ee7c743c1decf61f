"""Grading end to end through the sandboxed worker: scores, isolation of failures, no hidden leaks."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np

from autograder.judge.cases import Secret, draw_inputs
from builders import COURSE, PAYLOADS, REFERENCE_DIR, STUBS_DIR, build_submission, on_reference
from autograder.judge.grading import grade
from autograder.judge.cases import make_cases
from autograder.reports.gradescope import to_gradescope
from autograder.reports.html import to_html
from autograder.reports.json_report import to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.course.rubric import load_rubrics
from autograder.judge.oracle import ReferenceOracle
from autograder.sandbox.isolation import Limits, Sandbox
from autograder.sandbox.staging import Rules, stage


RUBRICS = load_rubrics()
CONV = load_rubrics(exercises=("conv",))


def test_reference_gets_full_marks_and_stubs_get_zero():
    assert grade(REFERENCE_DIR, RUBRICS).score == grade(REFERENCE_DIR, RUBRICS).max_score
    stubs = grade(STUBS_DIR, RUBRICS)
    assert stubs.score == 0
    assert "not implemented" in json.dumps(to_json_dict(stubs))


def test_report_lists_every_exercise_in_course_order_even_when_files_are_missing(tmp_path):
    result = grade(build_submission(tmp_path / "s", omit=("pooling", "lstm")), RUBRICS)
    report = to_json_dict(result)
    assert [e["name"] for e in report["exercises"]] == list(COURSE.names)
    assert result.exercise("pooling").score == 0 and "pooling.py is missing" in result.exercise("pooling").note
    assert all(result.exercise(e).score == result.exercise(e).max_score for e in COURSE.names
               if e not in ("pooling", "lstm"))


def test_check_mode_runs_public_cases_only():
    result = grade(REFERENCE_DIR, CONV, mode="check")
    entries = result.exercise("conv").criteria
    assert entries and all(c.visibility == "public" for c in entries)


def test_hidden_values_change_with_the_submission_and_the_secret_but_public_ones_do_not():
    criterion = CONV[0].criteria[0]
    secret_a, secret_b = Secret(b"a", "test"), Secret(b"b", "test")
    seeds = lambda visibility, secret, who: [c.seed for c in make_cases(criterion, visibility, secret, who)]
    assert seeds("hidden", secret_a, "ann") != seeds("hidden", secret_a, "bob")
    assert seeds("hidden", secret_a, "ann") != seeds("hidden", secret_b, "ann")
    assert seeds("hidden", secret_a, "ann") == seeds("hidden", secret_a, "ann")
    assert seeds("public", secret_a, "ann") == seeds("public", secret_b, "bob")


LEAKY_CONV = '''
import numpy as np
def conv2d_forward(x, w, b, stride=1, pad=0):
    print("x starts", repr(x.ravel()[:4].tolist()), np.array2string(w.ravel()[:4], precision=8))
    raise ValueError("cannot handle x = " + repr(x.ravel()[:4].tolist()))
def conv2d_backward(dout, cache):
    raise RuntimeError(repr(dout.ravel()[:4].tolist()))
'''


def _hidden_numbers(secret: Secret, identity: str) -> set[str]:
    numbers = set()
    for criterion in CONV[0].criteria:
        for case in make_cases(criterion, "hidden", secret, identity):
            for arg in draw_inputs(criterion.spec, case, COURSE):
                if isinstance(arg, np.ndarray) and arg.size:
                    for v in arg.ravel()[:4]:
                        numbers |= {repr(float(v)), f"{v:.6f}", np.format_float_positional(v, precision=8)}
    return {n for n in numbers if len(n.strip("-0.")) >= 4}


def test_no_report_a_student_sees_holds_a_hidden_input_even_when_the_code_prints_and_raises_it(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SECRET", "leak-test")
    result = grade(build_submission(tmp_path / "s", {"conv": LEAKY_CONV}), CONV, identity="eve")
    texts = [json.dumps(to_json_dict(result)), to_markdown(result), to_html(result), json.dumps(to_gradescope(result))]
    leaked = [n for n in _hidden_numbers(Secret(b"leak-test", "test"), "eve") if any(n in t for t in texts)]
    assert leaked == []
    public_message = result.exercise("conv").criteria[0].message
    assert "cannot handle x" in public_message, "public cases should show the student's own error"


FAULTY = {
    "conv": "def conv2d_forward(*a):\n    while True:\n        pass\ndef conv2d_backward(*a):\n    while True:\n        pass\n",
    "pooling": "import ctypes\nctypes.string_at(0)\n",
    "rnn": "import os\ndef rnn_step_forward(*a):\n    os._exit(0)\n",
    "lstm": "def lstm_gates(*a):\n    return 'i', 'f', 'g', 'o'\n",
    "dropout": "raise SystemExit(3)\n",
}


def test_a_hang_a_crash_an_exit_and_a_wrong_return_cost_only_their_own_exercise(tmp_path):
    sandbox = Sandbox(Limits(call_seconds=2, submission_seconds=60))
    result = grade(build_submission(tmp_path / "s", FAULTY), RUBRICS, sandbox=sandbox)
    for exercise in FAULTY:
        assert result.exercise(exercise).score == 0, exercise
    for exercise in set(COURSE.names) - set(FAULTY) - {"residual"}:
        assert result.exercise(exercise).score == result.exercise(exercise).max_score, exercise
    messages = {e: " ".join(c.message for c in result.exercise(e).criteria) for e in FAULTY}
    assert "did not finish within 2 s" in messages["conv"]
    assert "SIGSEGV" in messages["pooling"]
    assert "exit status 0" in messages["rnn"]
    assert "expected a numpy.ndarray" in messages["lstm"]
    assert "sys.exit(3)" in messages["dropout"]
    assert result.seconds < 30


GLOBAL_CACHE = on_reference("conv", '''
_LAST = {}
_forward, _backward = conv2d_forward, conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _forward(x, w, b, stride, pad)
    _LAST["cache"] = cache
    return out, cache


def conv2d_backward(dout, cache):
    return _backward(dout, _LAST["cache"])''')


def test_a_backward_that_reads_the_last_forward_from_a_global_loses_points_and_is_told_why(tmp_path):
    result = grade(build_submission(tmp_path / "s", {"conv": GLOBAL_CACHE}), CONV)
    conv = result.exercise("conv")
    assert conv.score < conv.max_score
    assert "(a global variable?) instead of the cache it is given" in json.dumps(to_json_dict(result))


LARGE_CACHE = on_reference("conv", '''
_forward, _backward = conv2d_forward, conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _forward(x, w, b, stride, pad)
    return out, (cache, np.zeros(2**18))  # 2 MiB of cache, as a one-hot matrix of a large case has


def conv2d_backward(dout, cache):
    return _backward(dout, cache[0])''')


def test_the_decoy_forward_keeps_its_cache_in_the_worker_so_a_cache_larger_than_a_reply_costs_no_backward_point(
        tmp_path, monkeypatch):
    monkeypatch.setattr("autograder.sandbox.runner.MAX_REPLY_BYTES", 2**20)  # the worker's replies: 1 MiB at most
    backward = [replace(CONV[0], criteria=tuple(c for c in CONV[0].criteria if c.kind == "backward"))]
    result = grade(build_submission(tmp_path / "s", {"conv": LARGE_CACHE}), backward)
    lost = [f"{c.id}: {c.message}" for c in result.exercise("conv").criteria if not c.passed]
    assert lost == []


FIXED_SEED_WHEN_NONE = on_reference("dropout", '''
_forward = dropout_forward


def dropout_forward(x, p=0.5, train=True, rng=None):
    return _forward(x, p, train, np.random.default_rng(0) if rng is None else rng)
''')


def test_dropout_that_seeds_a_fixed_generator_when_rng_is_none_loses_points(tmp_path):
    rubrics = load_rubrics(exercises=("dropout",))
    result = grade(build_submission(tmp_path / "s", {"dropout": FIXED_SEED_WHEN_NONE}), rubrics)
    dropout = result.exercise("dropout")
    assert dropout.score < dropout.max_score
    assert "two calls with rng=None gave the same mask" in json.dumps(to_json_dict(result))


OFF_BY_AN_ENCODED_INPUT = on_reference("conv", '''
_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _forward(x, w, b, stride, pad)
    return out * (1 + 1e-8 * abs(float(x.flat[0]))), cache
''')


def test_no_relative_error_of_a_hidden_case_reaches_a_report_so_its_digits_cannot_carry_an_input(tmp_path):
    result = grade(build_submission(tmp_path / "s", {"conv": OFF_BY_AN_ENCODED_INPUT}), CONV)
    report = to_json_dict(result)
    hidden = [c for e in report["exercises"] for c in e["criteria"] if c["visibility"] == "hidden"]
    assert hidden and all(c["relative_error"] is None for c in hidden)
    assert all(case["relative_error"] is None for c in hidden for case in c["cases"])
    public = [c for e in report["exercises"] for c in e["criteria"] if c["visibility"] == "public"]
    assert any(c["relative_error"] for c in public)


NAN_BACKWARD = on_reference("conv", '''

def conv2d_backward(dout, cache):
    x_shape, w = cache[0], cache[1]
    return np.full(x_shape, np.nan), np.full(w.shape, np.nan), np.full(w.shape[0], np.nan)
''')


def test_a_backward_returning_nan_gains_no_point_from_the_gradient_check(tmp_path):
    # The rubric's gradient check also waits for a passing backward case; without that gate here, the
    # check itself must refuse the NaN gradients.
    ungated = [replace(rubric, criteria=tuple(replace(c, requires=()) if c.kind == "gradcheck" else c
                                              for c in rubric.criteria)) for rubric in CONV]
    result = grade(build_submission(tmp_path / "s", {"conv": NAN_BACKWARD}), ungated)
    assert all(c.score == 0 for c in result.exercise("conv").criteria if c.id.startswith("conv.gradcheck"))


def test_public_passes_open_no_hidden_gate_and_both_entries_of_a_criterion_are_gated_alike(tmp_path):
    submission = build_submission(tmp_path / "s", {"conv": PAYLOADS / "conv_right_on_public_shapes_only.py"})
    shutil.copyfile(REFERENCE_DIR / "conv.py", submission / "reference_conv.py")
    result = grade(submission, CONV, identity="mallory")
    entries = {c.id: c for c in result.exercise("conv").criteria}
    assert entries["conv.forward"].passed and entries["conv.forward.hidden"].score == 0
    for gated in ("conv.gradcheck", "conv.invalid_arguments"):
        assert entries[gated].score == entries[gated + ".hidden"].score == 0, gated
        assert "Not credited yet" in entries[gated].message and "hidden" in entries[gated].message


def test_a_gradient_check_counts_only_where_the_forward_it_differentiates_is_right(tmp_path):
    zeros = "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return 0 * x[:, :1], None\n\n" \
            "def conv2d_backward(dout, cache):\n    return 0, 0, 0\n"
    ungated = [replace(CONV[0], criteria=tuple(replace(c, requires=()) for c in CONV[0].criteria))]
    result = grade(build_submission(tmp_path / "s", {"conv": on_reference("conv", zeros)}), ungated)
    gradcheck = [c for c in result.exercise("conv").criteria if c.id.startswith("conv.gradcheck")]
    assert gradcheck and all(c.score == 0 for c in gradcheck)
    assert all("fix the forward first" in case.message for c in gradcheck for case in c.cases)


def test_a_grade_reads_only_the_modules_it_grades_and_those_they_import(tmp_path):
    broken = "def pooling(:\n"
    submission = build_submission(tmp_path / "s", {"pooling": broken})
    with stage(submission, Rules(COURSE.names, COURSE.forbidden, read=("conv", "residual"))) as staged:
        assert staged.notes == {}
    with stage(submission, Rules(COURSE.names, COURSE.forbidden)) as staged:
        assert "syntax error" in staged.notes["pooling"]
    residual = load_rubrics(exercises=("residual",))
    assert grade(submission, residual).score == grade(submission, residual).max_score
    conv_broken = build_submission(tmp_path / "c", {"conv": broken})
    assert grade(conv_broken, residual).score == 0


class CountingOracle(ReferenceOracle):
    """The reference oracle, counting how often it runs a reference function."""

    calls = 0

    def _call(self, spec, args):
        self.calls += 1
        return super()._call(spec, args)


def test_a_second_student_costs_the_reference_one_forward_per_hidden_case_it_compares_and_none_for_public_ones():
    oracle = CountingOracle(COURSE)
    grade(REFERENCE_DIR, CONV, oracle=oracle, identity="first")
    oracle.calls = 0
    grade(REFERENCE_DIR, CONV, oracle=oracle, identity="second")
    compared = [c for c in CONV[0].criteria if c.property_name != "raises_value_error"]  # a ValueError needs no answer
    assert oracle.calls == sum(len(c.hidden) for c in compared)
