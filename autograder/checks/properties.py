"""Property checks: behaviour that is not one expected array.

Every property that a do-nothing function could satisfy (inputs left alone, a ValueError, the
evaluation identity) also asks for a correct result, or its rubric criterion ``requires`` one,
so that points always mean working code. A random layer's output (dropout) is not one fixed
array, so there the rubric's ``requires`` on its statistics criterion is the gate.
"""

from __future__ import annotations

import numpy as np

from autograder.cases import Case
from autograder.checks.compare import check_array, check_values, unpack_returned, Verdict
from autograder.checks.context import Context, normalize_gradients
from autograder.diagnosis import Diagnosis, arguments, gradients, outputs, upstream_names
from autograder.dropout_rules import Observation, diagnose_dropout
from autograder.results import CaseResult
from autograder.runner import RngSeed

BINOMIAL_SIGMAS = 5.0
SCALE_RTOL = 1e-6
"""Relative tolerance on dropout's 1/(1-p) factor: the forward checks' 1e-6, so a scale rounded to float32 passes."""


def check_property(ctx: Context, case: Case) -> CaseResult:
    """Run the property the criterion names."""
    verdict = PROPERTIES[ctx.criterion.property_name](ctx, case)
    return ctx.result(case, verdict.passed, verdict.message, verdict.relative_error, verdict.diagnosis)


def inputs_unmodified(ctx: Context, case: Case) -> Verdict:
    """Forward and backward leave every argument, ``dout`` and the running statistics as they were."""
    layer = ctx.layer
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True, return_inputs=True)
    if values is None:
        return Verdict(False, problem, diagnosis=ctx.diagnose_error(layer.forward, args, [], call))
    expected = ctx.oracle.call(layer.forward, args)[:len(layer.outputs)]
    if not layer.random:
        correct = check_values(layer.outputs, values[:len(layer.outputs)], list(expected), 1e-6, not case.hidden)
        if not correct.passed:
            diagnosis = ctx.diagnose(layer.forward, args, [], outputs(layer.outputs, values), tolerance=1e-6)
            return Verdict(False, f"{layer.forward} must also compute the right output here: {correct.message}",
                           diagnosis=diagnosis)
    changed = _changed(layer.args, args, call.inputs_after)
    if changed:
        return Verdict(False, f"{layer.forward} modified its argument(s) {', '.join(changed)} in place",
                       diagnosis=_modified_by_forward(ctx, args, call.inputs_after))
    training = args[layer.args.index("train")] if "train" in layer.args else True
    if not layer.backward or (layer.backward_needs_training and not training):
        ctx.runner.release([values[-1]])
        return Verdict(True)
    douts = ctx.douts(case, expected)
    back = ctx.runner.call(layer.exercise, layer.backward, [*douts, values[-1]], return_inputs=True)
    ctx.runner.release([values[-1]])
    if not back.ok:
        return Verdict(False, ctx.problem(layer.backward, back, case),
                       diagnosis=ctx.diagnose_error(layer.backward, args, douts, back))
    changed = _changed([f"d{name}" for name in layer.differentiable], douts, back.inputs_after[:len(douts)])
    changed += _changed(layer.args, args, back.forward_inputs_after or [])
    if changed:
        after = {**arguments(upstream_names(layer), back.inputs_after[:len(douts)]),
                 **arguments(layer.args, back.forward_inputs_after or [])}
        return Verdict(False, f"{layer.backward} modified {', '.join(changed)} in place",
                       diagnosis=ctx.diagnose(layer.backward, args, douts, after, observe="inputs"))
    return Verdict(True)


def _modified_by_forward(ctx: Context, args: list, after: list) -> Diagnosis | None:
    """The mistake that leaves the forward's arguments as the submission left them."""
    if ctx.layer.random:
        return diagnose_dropout("input", Observation(after[0], args[0], args[1], args[2]))
    return ctx.diagnose(ctx.layer.forward, args, [], arguments(ctx.layer.args, after), observe="inputs")


def _changed(names, before, after) -> list[str]:
    """Names of the arguments whose arrays differ between ``before`` and ``after``."""
    changed = []
    for name, old, new in zip(names, before, after or [None] * len(before)):
        if isinstance(old, dict):
            if not isinstance(new, dict) or set(new) != set(old):
                changed.append(f"{name} (its keys)")
            else:
                changed += _changed([f"{name}['{k}']" for k in old], list(old.values()), [new[k] for k in old])
        elif isinstance(old, np.ndarray) and not (isinstance(new, np.ndarray) and new.shape == old.shape
                                                  and np.array_equal(new, old, equal_nan=True)):
            changed.append(name)
    return changed


def raises_value_error(ctx: Context, case: Case) -> Verdict:
    """An invalid argument raises ValueError (not another exception, not a silent result)."""
    layer = ctx.layer
    args = ctx.inputs(case)
    function = ctx.criterion.function
    douts = []
    if function == layer.backward:
        values, call, problem = ctx.run_forward(case, args, keep_cache=True)
        if values is None:
            return Verdict(False, f"the backward could not run: {problem}")
        douts = ctx.douts(case, ctx.oracle.call(layer.forward, args)[:len(layer.outputs)])
        douts[0] = case.rng("dout").standard_normal(case.params["dout"])
        call = ctx.runner.call(layer.exercise, function, [*douts, values[-1]])
        ctx.runner.release([values[-1]])
    else:
        call = ctx.runner.call(layer.exercise, function, args)
    if call.ok:
        return Verdict(False, f"{function} accepted an invalid argument without raising ValueError",
                       diagnosis=_accepted(ctx, function, args, douts, call.value))
    if call.error and call.error.get("is_value_error"):
        return Verdict(True)
    return Verdict(False, f"expected ValueError, but {ctx.problem(function, call, case)}",
                   diagnosis=ctx.diagnose_error(function, args, douts, call))


def _accepted(ctx: Context, function: str, args: list, douts: list, value) -> Diagnosis | None:
    """The mistake that returns what the submission returned for invalid arguments."""
    layer = ctx.layer
    if function == layer.backward:
        return ctx.diagnose(function, args, douts, gradients(layer, value))
    values, _ = unpack_returned(value, len(layer.outputs), layer.has_cache, function, False)
    return None if values is None else ctx.diagnose(function, args, [], outputs(layer.outputs, values))


def _dropout_forward(ctx: Context, args: list, case: Case):
    """The submission's dropout output for ``args``, checked to be a float array shaped like x."""
    values, call, problem = ctx.run_forward(case, args)
    if values is None:
        return None, Verdict(False, problem)
    out = values[0]
    shape_check = check_array("out", out, args[0], np.inf, not case.hidden)
    if not shape_check.passed:
        shape_check.diagnosis = diagnose_dropout("output", Observation(out, *args[:3]))
        return None, shape_check
    return out, None


def dropout_statistics(ctx: Context, case: Case) -> Verdict:
    """In training, about a fraction p of units is zeroed and the kept ones are scaled by 1/(1-p)."""
    args = ctx.inputs(case)
    x, p = args[0], float(args[1])
    out, failure = _dropout_forward(ctx, args, case)
    if failure:
        return failure
    dropped = out == 0
    fraction, n = float(dropped.mean()), dropped.size
    bound = BINOMIAL_SIGMAS * np.sqrt(p * (1 - p) / n) + 0.5 / n
    if abs(fraction - p) > bound:
        found = "too many or too few units were zeroed" if case.hidden else f"{fraction:.1%} of the units were zeroed"
        return Verdict(False, f"{found}; with p = {p} expected about {p:.0%} (p is the probability of dropping a unit)",
                       diagnosis=diagnose_dropout("output", Observation(out, *args[:3])))
    kept = ~dropped
    if p < 1 and kept.any():
        ratio = out[kept] / x[kept]
        if not np.allclose(ratio, 1 / (1 - p), rtol=SCALE_RTOL, atol=0):
            unscaled = np.allclose(ratio, 1.0, rtol=SCALE_RTOL, atol=0)
            scale = "by another factor" if case.hidden else f"by about {np.median(ratio):.3g}"
            detail = "are not scaled" if unscaled else f"are scaled {scale}"
            return Verdict(False, f"the kept units {detail}; inverted dropout scales them by 1/(1-p) = {1 / (1 - p):.3g}",
                           diagnosis=diagnose_dropout("output", Observation(out, *args[:3])))
    return Verdict(True)


def dropout_eval_identity(ctx: Context, case: Case) -> Verdict:
    """With ``train=False`` the output equals the input, without scaling."""
    args = ctx.inputs(case)
    out, failure = _dropout_forward(ctx, args, case)
    if failure:
        return failure
    verdict = check_array("out", out, args[0], 1e-12, not case.hidden)
    if not verdict.passed:
        return Verdict(False, f"in evaluation mode the output must equal x: {verdict.message}", verdict.relative_error,
                       diagnose_dropout("output", Observation(out, *args[:3])))
    return verdict


def dropout_mask_shared(ctx: Context, case: Case) -> Verdict:
    """The backward passes ``dout`` through its own forward's mask, ``dx = dout * mask / (1 - p)``, even after
    another forward call."""
    args = ctx.inputs(case)
    x, p = args[0], float(args[1])
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return Verdict(False, f"the backward could not run: {problem}")
    out = values[0]
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        ctx.runner.release([values[-1]])
        return Verdict(False, "the forward's output is not an array shaped like x")
    dout = case.rng("dout").standard_normal(x.shape)
    ctx.run_decoy_forward(case)
    back = ctx.runner.call(ctx.layer.exercise, ctx.layer.backward, [dout, values[-1]])
    ctx.runner.release([values[-1]])
    if not back.ok:
        return Verdict(False, ctx.problem(ctx.layer.backward, back, case))
    expected = dout * out / x if args[2] else dout
    grads = normalize_gradients(back.value, 1)
    verdict = check_array("dx", grads[0], expected, SCALE_RTOL, not case.hidden)
    if not verdict.passed:
        diagnosis = diagnose_dropout("gradient", Observation(grads[0], dout, p, args[2], zeros=out == 0))
        return Verdict(False, f"dx must be dout through the forward's mask, scaled like the output: {verdict.message}",
                       verdict.relative_error, diagnosis)
    return verdict


def dropout_same_generator(ctx: Context, case: Case) -> Verdict:
    """Generators in the same state give the same mask; different seeds give different masks.

    A seed of None in the case's ``seeds`` calls with ``rng=None``, which asks for a fresh
    generator: two such calls in a row must give different masks.
    """
    args = ctx.inputs(case)
    seeds = case.params.get("seeds", [11, 11, 12])
    outs = []
    for seed in seeds:
        out, failure = _dropout_forward(ctx, args[:3] + [None if seed is None else RngSeed(int(seed))], case)
        if failure:
            return failure
        outs.append(out)
    for (seed_a, a), (seed_b, b) in zip(zip(seeds, outs), zip(seeds[1:], outs[1:])):
        same = np.array_equal(a == 0, b == 0)
        if seed_a is None and seed_b is None and same:
            return Verdict(False, "two calls with rng=None gave the same mask; rng=None means a fresh "
                                  "numpy.random.default_rng(), never a fixed seed")
        if seed_a is not None and seed_a == seed_b and not same:
            return Verdict(False, "two generators in the same state gave different masks; draw the mask from rng",
                           diagnosis=diagnose_dropout("generator"))
        if seed_a != seed_b and same:
            return Verdict(False, "generators with different seeds gave the same mask; draw the mask from rng")
    return Verdict(True)


PROPERTIES = {
    "inputs_unmodified": inputs_unmodified,
    "raises_value_error": raises_value_error,
    "dropout_statistics": dropout_statistics,
    "dropout_eval_identity": dropout_eval_identity,
    "dropout_mask_shared": dropout_mask_shared,
    "dropout_same_generator": dropout_same_generator,
}
"""Every property a rubric may name, keyed by its name in the schema."""
