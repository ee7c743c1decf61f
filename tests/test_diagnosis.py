"""Diagnosis: a failed case names the classic mistake the submission makes, and only then.

The misconception catalogue (``autograder/misconceptions/``) is validated against its modules;
every catalogued bug, put into the reference, is diagnosed as itself; a correct submission, the
reference's own results and the stubs are never diagnosed; a diagnosis carries the catalogue's
fixed hint and nothing of a hidden case.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.judge.cases import Secret
from builders import CORPUS, COURSE, EXERCISES, REFERENCE_DIR, STUBS_DIR, build_submission, graded_bug, graded_correct
from autograder.judge.diagnosis import Raised, arguments, diagnose, explains, outputs, run
from autograder.course.hooks import plugin_module
from autograder.judge.grading import grade
from autograder.judge.cases import make_cases
from autograder.course.catalogue import CatalogueError, load_catalogue, load_catalogue_file, misconception
from autograder.judge.mutation import verdict
from autograder.judge.oracle import ReferenceOracle
from autograder.reports.json_report import to_json_dict
from autograder.course.rubric import load_rubrics


CATALOGUE = load_catalogue()
BUGS = [pytest.param(bug, id=bug.id, marks=pytest.mark.xdist_group(bug.id)) for bugs in CATALOGUE.values()
        for bug in bugs]
RUBRICS = load_rubrics(exercises=COURSE.names)
DROPOUT = plugin_module(COURSE.root / "plugins" / "dropout.py")
RULES, Observation = DROPOUT.RULES, DROPOUT.Observation


def diagnose_dropout(kind, observation):
    return DROPOUT.diagnose_dropout(CATALOGUE["dropout"], kind, observation)


def misconceptions_in(result) -> set[str]:
    return {case.misconception for exercise in result.exercises for criterion in exercise.criteria
            for case in criterion.cases if case.misconception}


# -- the catalogue ------------------------------------------------------------------------------


def test_every_exercise_has_at_least_twelve_catalogued_misconceptions_with_title_and_hint():
    for exercise in COURSE.names:
        bugs = CATALOGUE.get(exercise, ())
        assert len(bugs) >= 12, f"{exercise} has {len(bugs)} catalogued misconceptions"
        for bug in bugs:
            assert bug.title and bug.hint.startswith(("Your ", "Generators ")), bug.id
            assert bug.path.is_file(), bug.id


def test_a_catalogue_file_must_match_its_modules_one_to_one(tmp_path):
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "flipped.py").write_text("")
    (folder / "unlisted.py").write_text("")
    (tmp_path / "conv.yaml").write_text(
        "exercise: conv\nmisconceptions:\n"
        "  flipped: {title: Flipped kernel, hint: Your output matches a flipped kernel.}\n"
        "  missing_module: {title: Gone, hint: Your output matches nothing.}\n")
    with pytest.raises(CatalogueError) as error:
        load_catalogue_file(tmp_path / "conv.yaml")
    message = str(error.value)
    assert "misconceptions.missing_module: no module" in message
    assert "no entry for the module" in message and "unlisted.py" in message


def test_a_catalogue_entry_needs_a_title_and_a_hint(tmp_path):
    (tmp_path / "conv").mkdir()
    (tmp_path / "conv" / "flipped.py").write_text("")
    (tmp_path / "conv.yaml").write_text("exercise: conv\nmisconceptions:\n  flipped: {title: Flipped kernel}\n")
    with pytest.raises(CatalogueError, match=r"misconceptions.flipped: expected the keys \['title', 'hint'\]"):
        load_catalogue_file(tmp_path / "conv.yaml")


def test_bugs_listed_as_alike_must_be_bugs_of_the_same_catalogue_with_a_reason(tmp_path):
    (tmp_path / "conv").mkdir()
    (tmp_path / "conv" / "flipped.py").write_text("")
    (tmp_path / "conv.yaml").write_text(
        "exercise: conv\nmisconceptions:\n  flipped:\n    title: Flipped kernel\n"
        "    hint: Your output matches a flipped kernel.\n    alike: {rotated: ''}\n")
    with pytest.raises(CatalogueError, match="misconceptions.flipped.alike: 'rotated' is no bug of this catalogue"):
        load_catalogue_file(tmp_path / "conv.yaml")


def test_every_dropout_rule_names_a_catalogued_dropout_bug_and_every_dropout_bug_has_a_rule():
    assert set(RULES) == {bug.name for bug in CATALOGUE["dropout"]}


def test_a_bug_module_is_loaded_in_the_reference_package_so_the_residual_block_uses_the_reference_conv():
    module = misconception("residual.relu_before_addition").load()
    assert module.__package__ == COURSE.reference_package
    assert module.conv2d_forward is COURSE.reference("conv").conv2d_forward


# -- every bug is recognised as itself ------------------------------------------------------------


@pytest.mark.parametrize("bug", BUGS)
def test_every_catalogued_bug_put_into_the_reference_loses_points_and_is_diagnosed_as_itself(bug):
    mutant = verdict(bug, graded_bug(bug))
    assert mutant.caught, f"{bug.id} kept full marks on {bug.exercise}"
    assert mutant.diagnosed, f"no case of {bug.id} was diagnosed as {bug.id}"
    assert not mutant.unexplained, (f"{bug.id} was also diagnosed as {mutant.unexplained}: list them under the bug's "
                                    f"alike in the catalogue, with the reason, or tell the bugs apart")


def test_a_diagnosis_on_a_hidden_case_carries_the_catalogues_fixed_hint_and_no_case_value(tmp_path):
    bug = misconception("conv.flipped_kernel")
    result = grade(build_submission(tmp_path / "s", {"conv": bug.source}), load_rubrics(exercises=("conv",)),
                   identity="diagnosis", secret=Secret(b"diagnosis", "test"))
    hidden = next(c for c in result.exercise("conv").criteria if c.id == "conv.forward.hidden")
    report = next(c for c in to_json_dict(result)["exercises"][0]["criteria"] if c["id"] == "conv.forward.hidden")
    assert (report["misconception"], report["hint"]) == (bug.id, bug.hint)
    for case in hidden.cases:
        assert case.passed or (case.misconception, case.hint) == (bug.id, bug.hint)
    assert "matches a convolution with a flipped kernel" in json.dumps(report)


# -- nothing correct is ever diagnosed ----------------------------------------------------------------


@pytest.mark.parametrize("module", [pytest.param(p, id=f"{p.parent.name}-{p.stem}", marks=pytest.mark.xdist_group(str(p)))
                                    for p in sorted(CORPUS.glob("correct/*/*.py"))])
def test_a_correct_submission_in_another_style_is_never_diagnosed(module):
    assert not misconceptions_in(graded_correct(module))


def test_the_reference_and_the_stubs_are_never_diagnosed():
    assert not misconceptions_in(grade(REFERENCE_DIR, RUBRICS, identity="diagnosis"))
    assert not misconceptions_in(grade(STUBS_DIR, RUBRICS, identity="diagnosis"))


def reference_cases():
    secret = Secret(b"diagnosis", "test")
    for rubric in RUBRICS:
        for criterion in rubric.criteria:
            if criterion.spec.random:
                continue  # dropout is diagnosed by its statistics (see the dropout tests below)
            if criterion.kind in ("forward", "backward") or criterion.property_name == "inputs_unmodified":
                for visibility in ("public", "hidden"):
                    for case in make_cases(criterion, visibility, secret, "diagnosis"):
                        yield pytest.param(criterion, case, id=f"{case.criterion}-{visibility}-{case.index}")


@pytest.mark.parametrize("criterion, case", list(reference_cases()))
def test_the_references_own_results_are_never_diagnosed(criterion, case):
    spec = criterion.spec
    args = ReferenceOracle().inputs(spec, case)
    reference = COURSE.reference(spec.exercise)
    observe = "inputs" if criterion.kind == "property" else "returned"
    function = spec.name if criterion.kind == "forward" else spec.backward or spec.name
    outcome = run(reference, spec, spec.name, args, [])
    rng = case.rng("dout")
    douts = [rng.standard_normal(outcome[name].shape) for name in spec.upstream]
    actual = run(reference, spec, function, args, douts, observe)
    if criterion.outputs:
        actual = outputs(criterion.outputs, [actual[name] for name in criterion.outputs])
    assert diagnose(COURSE, spec, function, args, douts, actual, criterion.tolerance, observe) is None


# -- the symptom rule -------------------------------------------------------------------------------


def test_a_bug_is_named_only_when_it_explains_every_compared_value_of_the_case():
    right, wrong, other = np.ones(3), np.full(3, 2.0), np.full(3, 5.0)
    reference = {"dx": right, "dw": right, "db": right}
    bug = {"dx": right, "dw": right, "db": wrong}
    assert explains({"dx": right, "dw": right, "db": wrong}, bug, reference, 1e-6) == "exactly"
    assert explains({"dx": other, "dw": right, "db": wrong}, bug, reference, 1e-6) is None, "dx is left unexplained"
    assert explains({"dx": other, "dw": right, "db": right}, bug, reference, 1e-6) is None
    assert explains(reference, reference, reference, 1e-6) is None


def test_a_bug_that_explains_every_value_to_three_digits_while_the_reference_is_far_off_is_the_best_explanation():
    right, wrong = np.ones(3), np.full(3, 2.0)
    reference, bug = {"out": right}, {"out": wrong}
    assert explains({"out": wrong * (1 + 1e-4)}, bug, reference, 1e-6) == "closely"
    assert explains({"out": wrong * (1 + 1e-2)}, bug, reference, 1e-6) is None
    assert explains({"out": right * (1 + 1e-4)}, {"out": right * (1 + 1e-5)}, reference, 1e-6) is None, \
        "a bug within three digits of the reference explains nothing clearly"


def test_an_exception_or_a_return_value_of_another_form_is_compared_whole():
    reference = {"out": np.ones(2)}
    bug = Raised("ValueError", "operands could not be broadcast together with shapes (2,2) (3,3)")
    assert explains(bug, bug, reference, 1e-6) == "exactly"
    assert explains(Raised("ValueError", "another message"), bug, reference, 1e-6) is None
    assert explains(reference, bug, reference, 1e-6) is None
    assert arguments(("x", "stride", "params"), [np.ones(1), 2, {"W": np.ones(1)}]).keys() == {"x", "params"}


# -- dropout: statistics, never one random stream ---------------------------------------------------------


def dropout_output(rng, x, dropped: float, scale: float) -> np.ndarray:
    return np.where(rng.random(x.shape) < dropped, 0.0, x * scale)


def test_dropout_is_diagnosed_by_its_statistics_whatever_the_random_stream():
    x = np.random.default_rng(1).standard_normal((50, 40)) + 10
    for seed in range(5):
        rng = np.random.default_rng(seed)
        keep_p = dropout_output(rng, x, 0.8, 1 / 0.2)
        assert diagnose_dropout("output", Observation(keep_p, x, 0.2, True)).misconception == \
            "dropout.p_is_keep_probability"
        assert diagnose_dropout("output", Observation(dropout_output(rng, x, 0.2, 1.0), x, 0.2, True)).misconception \
            == "dropout.no_scaling"
        assert diagnose_dropout("output", Observation(dropout_output(rng, x, 0.2, 1.25), x, 0.2, True)) is None
    assert diagnose_dropout("output", Observation(x * 0.7, x, 0.3, False)).misconception == "dropout.scales_at_test_time"
    assert diagnose_dropout("output", Observation(x.copy(), x, 0.3, False)) is None


def test_a_dropout_mask_shared_by_the_batch_is_recognised_and_independent_or_whole_example_masks_never_are():
    x = np.random.default_rng(2).standard_normal((50, 40)) + 10
    for seed in range(5):
        rng = np.random.default_rng(seed)
        shared = np.where(rng.random(x.shape[1:]) < 0.3, 0.0, x / 0.7)
        whole_examples = np.where(rng.random((50, 1)) < 0.3, 0.0, x / 0.7)
        assert diagnose_dropout("output", Observation(shared, x, 0.3, True)).misconception == \
            "dropout.mask_shared_across_batch"
        assert diagnose_dropout("output", Observation(whole_examples, x, 0.3, True)) is None
        assert diagnose_dropout("output", Observation(dropout_output(rng, x, 0.3, 1 / 0.7), x, 0.3, True)) is None


def test_a_dropout_gradient_scaled_wrongly_after_a_right_forward_names_the_backwards_mistake():
    dout = np.random.default_rng(3).standard_normal((50, 40)) + 10
    zeros = np.random.default_rng(4).random(dout.shape) < 0.5
    for scale, bug in ((1.0, "backward_mask_not_scaled"), (4.0, "backward_scales_twice")):
        dx = np.where(zeros, 0.0, dout * scale)
        seen = Observation(dx, dout, 0.5, True, zeros=zeros)
        assert diagnose_dropout("gradient", seen).misconception == f"dropout.{bug}"
    assert diagnose_dropout("gradient", Observation(np.where(zeros, 0.0, dout * 2.0), dout, 0.5, True, zeros=zeros)) \
        is None


def test_dropout_is_not_diagnosed_when_two_bugs_explain_the_case_alike():
    x = np.ones((10, 10))
    assert diagnose_dropout("output", Observation(np.zeros_like(x), x, 1.0, False)) is None


def test_dropout_is_not_diagnosed_from_values_of_another_shape_or_type():
    x = np.ones((10, 10))
    assert diagnose_dropout("output", Observation(np.ones(3), x, 0.5, True)) is None
    assert diagnose_dropout("output", Observation(np.ones((10, 10), dtype=int), x, 0.5, True)) is None
