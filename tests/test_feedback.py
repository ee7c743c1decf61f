"""Feedback a student can act on: one diagnosis per mistake, never a wrong one; failures localized; a summary first.

The realistic bugs here live in ``tests/corpus/uncatalogued/`` (written apart from the catalogue);
each test names the behaviour it proves on one of them or on a bundled example submission.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from autograder.course.catalogue import Misconception, misconception
from autograder.judge.cases import Secret, make_cases
from autograder.judge.diagnosis import Raised, diagnose, run
from autograder.judge.grading import grade
from autograder.judge.oracle import ReferenceOracle
from autograder.course.rubric import load_rubrics
from autograder.reports.html import to_html
from autograder.reports.json_report import from_json_dict, to_json_dict
from autograder.reports.markdown import to_markdown
from autograder.reports.summary import mistake_text, summarize, summarize_exercise
from autograder.reports import text as inert
from autograder.reports.terminal import PHRASE, print_result, wrap
from autograder.results import CaseResult, CriterionResult, ExerciseResult

from builders import COURSE, IMPRECISE, ROOT, UNCATALOGUED, build_submission, graded_bug, graded_imprecise, \
    graded_uncatalogued, on_reference

EXAMPLES = ROOT / "examples" / "submissions"


def named(result, exercise: str) -> set[str]:
    """The mistakes any case of ``exercise`` names."""
    return {case.misconception for entry in result.exercise(exercise).criteria for case in entry.cases
            if case.misconception}


def terminal(result, width: int = 80, details: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    print_result(result, console, details=details)
    return console.file.getvalue()


@pytest.fixture(scope="module")
def bob():
    return grade(EXAMPLES / "bob.zip", identity="bob", secret=Secret(b"feedback", "test"))


@pytest.fixture(scope="module")
def carol():
    return grade(EXAMPLES / "carol.zip", identity="carol", secret=Secret(b"feedback", "test"))


# -- 1. a diagnosis explains the whole case, never from an exception alone ----------------------------------


def test_a_backward_loop_that_skips_step_zero_is_named_as_itself_never_dh0_not_returned_from_its_single_step_case():
    result = graded_bug(misconception("rnn.backward_loop_skips_step_0", COURSE))
    assert result.exercise("rnn").score < result.exercise("rnn").max_score
    assert named(result, "rnn") == {"rnn.backward_loop_skips_step_0"}, \
        "dh0 is zero on T = 1 as when dh0 is never set, but so is every other gradient"
    single = [case for entry in result.exercise("rnn").criteria if entry.id.startswith("rnn.backward")
              for case in entry.cases if case.label == "a single time step"]
    assert single and all(not case.passed and "a single time step" in case.features for case in single)


def test_a_dropout_mask_shared_across_the_batch_is_told_so_and_never_gets_the_keep_probability_hint():
    result = graded_bug(misconception("dropout.mask_shared_across_batch", COURSE))
    assert named(result, "dropout") == {"dropout.mask_shared_across_batch"}
    statistics = next(entry for entry in result.exercise("dropout").criteria if entry.id == "dropout.statistics")
    assert statistics.cases and all(not case.passed for case in statistics.cases)
    for case in statistics.cases:
        assert "the same units are zeroed all along axis 0" in case.message
        assert "keep" not in case.message.replace("keep decision", "")
    hint = misconception("dropout.p_is_keep_probability").hint
    assert hint not in json.dumps(to_json_dict(result))


def test_two_bugs_raising_the_same_broadcast_error_are_not_confused():
    """Only the shortcut is strided here; a shortcut that ignores the stride raises the very same error."""
    result = graded_uncatalogued("residual/stride_on_shortcut_only")
    raised = [case for entry in result.exercise("residual").criteria if entry.visibility == "public"
              for case in entry.cases if "could not be broadcast" in case.message]
    assert raised, "the strided public cases raise a broadcast error"
    criterion = next(c for c in load_rubrics(COURSE, ("residual",))[0].criteria if c.id == "residual.forward_projection")
    case = next(k for k in make_cases(criterion, "public", None, "x") if "more filters" in k.label)
    spec = criterion.spec
    args = ReferenceOracle().inputs(spec, case)
    path = UNCATALOGUED / "residual" / "stride_on_shortcut_only.py"
    module = Misconception("residual", path.stem, "", "", path, COURSE.reference_dir / "residual.py",
                           COURSE.reference_package).load()
    actual = run(module, spec, spec.name, args, [])
    assert isinstance(actual, Raised) and "could not be broadcast" in actual.message
    found = diagnose(COURSE, spec, spec.name, args, [], actual, criterion.tolerance)
    assert found is not None and found.misconception == "residual.shortcut_ignores_stride", \
        "the exception alone matches the other bug"
    assert found.evidence == "exception"
    assert not named(result, "residual"), "an exception alone never names a mistake"


def test_a_mistake_written_another_way_is_named_from_its_values():
    assert named(graded_uncatalogued("conv/loops_with_np_flip"), "conv") == {"conv.flipped_kernel"}
    assert named(graded_uncatalogued("batchnorm/running_var_from_np_var"), "batchnorm") == \
        {"batchnorm.biased_running_variance"}


def test_the_standing_hint_stays_beside_a_recognised_mistake(bob):
    report = to_json_dict(bob)
    forward = next(c for e in report["exercises"] for c in e["criteria"] if c["id"] == "conv.forward")
    rubric = next(c for c in load_rubrics(COURSE, ("conv",))[0].criteria if c.id == "conv.forward")
    assert forward["misconception"] == "conv.flipped_kernel" and forward["advice"] == rubric.hint
    details = terminal(bob, width=200, details=True)
    assert "Recognised mistake: Flipped kernel" in details and f"Criterion's hint: {rubric.hint}" in details
    assert f"Criterion's hint: {rubric.hint}" in to_markdown(bob)


# -- 2. cases carry features; feedback localizes every mistake ------------------------------------------


def test_a_case_has_the_features_its_rubric_keys_state():
    conv = COURSE.exercise("conv")
    spec = COURSE.function("conv2d_forward")
    assert conv.case_features(spec, {"x": [2, 3, 7, 7], "w": [4, 3, 3, 3], "stride": 2, "pad": [1, 0]}) == (
        "a stride above 1", "a pair stride or padding", "padding")
    assert conv.case_features(spec, {"x": [1, 3, 8, 8], "w": [4, 3, 3, 3], "stride": 3}) == (
        "a stride above 1", "a batch of 1", "rows or columns no window reaches")
    assert conv.case_features(spec, {"x": [2, 3, 5, 5], "w": [4, 3, 3, 3], "stride": 0}) == ()
    rnn = COURSE.exercise("rnn")
    assert "a single time step" in rnn.case_features(COURSE.function("rnn_forward"), {"N": 2, "T": 1, "D": 3, "H": 4})
    assert rnn.case_features(COURSE.function("rnn_step_forward"), {"N": 1, "D": 3, "H": 4}) == (
        "a batch of 1", "fewer inputs than hidden units")
    residual = COURSE.exercise("residual")
    assert "a projection shortcut" in residual.case_features(COURSE.function("residual_block_forward"),
                                                            {"x": [2, 2, 6, 6], "F": 4, "stride": 2, "projection": True})
    pooling = COURSE.function("max_pool2d_forward")
    assert pooling.inputs.stated({"x": [2, 2, 6, 6], "kernel_size": 3})["stride"] is None


def test_what_a_case_states_never_depends_on_a_draw():
    spec = COURSE.function("conv2d_forward")
    stated = spec.inputs.stated({"x": [2, 3, 7, 7], "H": {"integers": [5, 9]}})
    assert stated["N"] == 2 and "x" in stated
    drawn = spec.inputs.stated({"x": {"scale": 3}, "H": {"integers": [5, 9]}})
    assert "H" not in drawn and "x" not in drawn, "a drawn size, and a shape made of it, are left out"


def test_hidden_cases_have_the_same_features_for_every_student():
    runs = [graded_uncatalogued("conv/dw_windows_without_stride")]
    features = {(e.id, k.label): k.features for e in runs[0].exercise("conv").criteria for k in e.cases}
    rubric = load_rubrics(COURSE, ("conv",))[0]
    for criterion in rubric.criteria:
        for case in make_cases(criterion, "hidden", Secret(b"another", "test"), "someone else"):
            entry = features.get((criterion.id + ".hidden", case.label))
            assert entry is None or entry == COURSE.exercise("conv").case_features(criterion.spec, case.params)


def test_a_mistake_outside_the_catalogue_is_localized_by_the_features_its_failing_cases_share():
    result = graded_uncatalogued("conv/dw_windows_without_stride")
    summary = summarize_exercise(result.exercise("conv"))
    assert [m.kind for m in summary.mistakes] == ["values"]
    mistake = summary.mistakes[0]
    assert mistake.function == "conv2d_backward" and mistake.misconception is None
    assert mistake.where == "dw is wrong only on cases with a stride above 1; dx and db are right"
    assert mistake_text(mistake).startswith("conv2d_backward: dw is wrong only on cases with a stride above 1; "
                                            "dx and db are right.")
    assert any(entry.visibility == "hidden" for entry, _ in mistake.cases), "hidden cases take part by their features"


def test_localization_says_on_how_many_cases_when_no_feature_separates_them():
    def case(passed, wrong=(), features=()):
        failure = "" if passed else f"{' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong on this case"
        return CaseResult("c", passed, wrong=wrong, features=features, failure=failure)

    entry = CriterionResult("x.backward", "", "public", 3.0, kind="backward", function="f_backward",
                            compared=("dx", "dw"),
                            cases=[case(False, ("dw",), ("a",)), case(False, ("dw",), ("b",)), case(True, (), ("a", "b"))])
    mistake = summarize_exercise(ExerciseResult("x", [entry])).mistakes[0]
    assert mistake.where == "dw is wrong on 2 of 3 cases; dx is right"
    entry.cases[2] = case(True, (), ("c",))
    assert summarize_exercise(ExerciseResult("x", [entry])).mistakes[0].where == \
        "dw is wrong only on cases without c; dx is right"


# -- 4. a summary first, details grouped by mistake, a missing file in one line -----------------------


def test_the_summary_of_one_bug_per_exercise_fits_a_screen_and_names_each_once(bob):
    text = terminal(bob, width=80)
    lines = text.splitlines()
    assert len(lines) <= 40, text
    assert all(len(line) <= 80 for line in lines[:-1]), "the sandbox line may run long; the rest fits"
    for exercise, bug in (("conv", "flipped_kernel"), ("pooling", "gradient_to_all_tied_maxima"),
                          ("lstm", "cs231n_gate_order_ifog"), ("batchnorm", "biased_running_variance")):
        title = misconception(f"{exercise}.{bug}").title
        assert text.count(title) == 1, title
    assert "--details" in text


def test_the_details_group_every_failed_case_under_its_mistake_once(bob):
    text = terminal(bob, width=120, details=True)
    assert text.count("Recognised mistake: Flipped kernel (a true convolution)") == 1
    assert text.count(misconception("conv.flipped_kernel").hint[:60]) == 2, "once in the summary, once in the details"
    for entry in bob.exercise("conv").criteria:
        if any(not case.passed for case in entry.cases):
            assert re.search(rf"^\s+{re.escape(entry.id)} \(", text, re.MULTILINE), entry.id


def test_a_missing_file_is_one_line(carol):
    text = terminal(carol, width=100, details=True)
    assert [line for line in text.splitlines() if "residual" in line] == [
        "✗ residual   0 / 35", "    residual.py is missing: this exercise scores zero.", "── residual: 0 / 35",
        "    residual.py is missing: this exercise scores zero."]
    markdown = to_markdown(carol)
    assert markdown.count("residual.py is missing") == 2 and "residual.forward" not in markdown


def test_stubs_are_one_line_per_exercise(carol):
    summary = {s.name: s for s in summarize(carol)}
    assert [m.kind for m in summary["rnn"].mistakes] == ["not_implemented"]
    assert mistake_text(summary["rnn"].mistakes[0]).startswith(
        "rnn_step_forward and rnn_forward are not implemented yet (raises NotImplementedError)")


def test_wrapping_fits_the_width_and_never_breaks_inside_a_phrase():
    text = ("[3 channels, stride 2, pad 1] dx is wrong: relative error 1.37 (tolerance 1e-06); dw is wrong: "
            "relative error 0.904 (tolerance 1e-06) and p = 0.5 stays (the mask x == max) whole")
    for width in (40, 60, 80, 100):
        lines = wrap(text, width, "    ", "      ")
        assert all(len(line) <= width for line in lines), lines
        joined = " ".join(line.strip() for line in lines)
        assert joined == text
        for phrase in PHRASE.findall(text):
            assert any(phrase in line for line in lines), (phrase, lines)


def test_markdown_and_html_lead_with_the_summary_and_group_the_details(bob):
    markdown = to_markdown(bob)
    assert markdown.index("## What to fix first") < markdown.index("## Details")
    assert markdown.count("#### Recognised mistake: Flipped kernel (a true convolution)") == 1
    page = to_html(bob)
    assert page.index("What to fix first") < page.index("Details, by mistake")
    assert page.count("Recognised mistake: Flipped kernel (a true convolution)") == 1


def test_the_json_report_keeps_the_contracts_fields_and_adds_the_summary(bob):
    report = to_json_dict(bob)
    assert list(report)[:4] == ["submission", "score", "max_score", "exercises"]
    conv = report["exercises"][0]
    assert list(conv)[:4] == ["name", "score", "max_score", "criteria"]
    for criterion in conv["criteria"]:
        assert list(criterion)[:8] == ["id", "score", "max_score", "passed", "visibility", "message",
                                       "misconception", "hint"]
    assert conv["summary"][0]["misconception"] == "conv.flipped_kernel"
    again = from_json_dict(json.loads(json.dumps(report)))
    assert [mistake_text(m) for s in summarize(again) for m in s.mistakes] == \
        [mistake_text(m) for s in summarize(bob) for m in s.mistakes], "every view comes from the one result"


def test_every_view_of_the_summary_says_the_same(bob):
    texts = [mistake_text(m) for s in summarize(bob) for m in s.mistakes if not s.note]
    flat = " ".join(terminal(bob, width=10_000).split())
    for text in texts:
        assert inert.markdown(inert.one_line(text)) in to_markdown(bob) and " ".join(text.split()) in flat


# -- 5. a forward that loses precision is named, a wrong backward never credited -------------------------


def test_a_float32_forward_passes_the_gradient_check_at_larger_steps_and_is_told_it_loses_precision():
    result = graded_imprecise("conv/forward_in_float32")
    conv = result.exercise("conv")
    assert conv.score == conv.max_score
    remarks = [case.remark for entry in conv.criteria for case in entry.cases if case.remark]
    assert remarks and all("conv2d_forward loses precision (float32?)" in remark for remark in remarks)
    assert "loses precision" in terminal(result) and "loses precision" in to_html(result)


def test_a_float32_forward_does_not_open_the_gradient_check_to_a_wrong_backward(tmp_path):
    code = ((IMPRECISE / "conv" / "forward_in_float32.py").read_text()
            + "\n\n_right_backward = conv2d_backward\n\n\ndef conv2d_backward(dout, cache):\n"
              "    dx, dw, db = _right_backward(dout, cache)\n    return dx, dw * 1.01, db\n")
    submission = build_submission(tmp_path / "s", {"conv": on_reference("conv", code)})
    result = grade(submission, load_rubrics(COURSE, ("conv",)), identity="x", secret=Secret(b"feedback", "test"))
    gradcheck = [entry for entry in result.exercise("conv").criteria if entry.id.startswith("conv.gradcheck")]
    assert all(entry.score == 0 for entry in gradcheck)
    assert all("dw" in case.wrong for entry in gradcheck for case in entry.cases)
