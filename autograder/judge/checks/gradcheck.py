"""Gradient checks: the submission's own gradients against central differences of its own forward.

For a random upstream gradient ``dout`` and the loss ``L = sum(out * dout)``, the derivative of
``L`` along a direction ``v`` of an input is ``(L(x + h v) - L(x - h v)) / 2h`` numerically and
``<dx, v>`` from the backward. A value-and-gradient function (a loss) returns its own gradient,
which is checked against central differences of the value it returns. Small inputs are checked
along every coordinate (the full Jacobian-vector product); a rubric may ask for a few random
directions on larger ones. Cases draw inputs away from kinks (ReLU zeros, pooling ties), so a
correct submission cannot fail.

A gradient check counts only where the forward it differentiates is right on the case: the
gradient of a wrong forward proves nothing (a zero forward and a zero backward agree perfectly).

A forward that loses precision (computed in float32 and cast back) passes the forward check at
1e-6, yet its rounding noise, divided by the tiny step, swamps central differences. So a gradient
that disagrees at the rubric's step is measured again at larger steps (:data:`SWEEP`), where that
noise shrinks as 1/step: if it then agrees within the same tolerance, the case passes with a remark
that the forward loses precision; if the disagreement shrinks tenfold or more towards agreement but
never reaches it, the case fails saying that the forward's precision, not the backward, is at
fault. A wrong backward disagrees at every step, and is never credited.
"""

from __future__ import annotations

import numpy as np

from autograder.judge.cases import Case
from autograder.judge.checks import vocabulary
from autograder.judge.checks.compare import Verdict, check_values, combine, describe_type, format_error
from autograder.judge.checks.context import Context, normalize_gradients
from autograder.results import CaseResult

NOISE_FACTOR = 64 * np.finfo(np.float64).eps
SWEEP = (100.0, 1e3, 1e4)
"""The larger steps a disagreeing gradient is measured at again, as multiples of the rubric's step."""
MAX_STEP = 1e-2
"""No step of the sweep is larger (the truncation error of central differences grows as step**2)."""
IMPRECISE = 1e-3
"""The relative disagreement a sweep must come down to, by a factor of ten at least, to blame the forward's precision."""


def check_gradient(ctx: Context, case: Case) -> CaseResult:
    """Compare every gradient the submission returns with central differences of its forward."""
    spec = ctx.spec
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=spec.kind == "layer")
    if values is None:
        return ctx.result(case, False, f"the gradient check could not run: {problem}")
    release = [values[-1]] if spec.cache else []
    outputs = spec.upstream if spec.kind == "layer" else (spec.gradient_of,)
    picks = [spec.outputs.index(name) for name in outputs]
    differentiated = [values[i] for i in picks]
    if not all(_finite_floats(out) for out in differentiated):
        ctx.runner.release(release)
        return ctx.result(case, False, f"{spec.name} did not return finite floating values to differentiate",
                          hidden=vocabulary.forward_wrong(spec.name))
    expected = spec.split(ctx.expected(case, args))
    right = check_values(outputs, differentiated, [expected[i] for i in picks], _FORWARD_TOLERANCE, False)
    if not right.passed:
        ctx.runner.release(release)
        return ctx.result(case, False, vocabulary.forward_wrong(spec.name), wrong=right.wrong,
                          hidden=vocabulary.forward_wrong(spec.name))
    douts, grads, problem = _gradients(ctx, case, values, differentiated)
    ctx.runner.release(release)
    if problem:
        return ctx.result(case, False, problem)
    noise = NOISE_FACTOR * sum(float(np.sum(np.abs(np.asarray(o) * d))) for o, d in zip(differentiated, douts))
    noise /= ctx.criterion.step
    deviation = sum(float(np.max(np.abs(np.asarray(o, dtype=np.float64) - expected[i]), initial=0.0))
                    * float(np.sum(np.abs(d))) for o, i, d in zip(differentiated, picks, douts))
    verdicts = [_check_leaf(ctx, case, args, path, name, grad, douts, picks, noise, deviation)
                for path, name, grad in _leaves(ctx, args, grads)]
    verdict = combine(verdicts)
    failed = [v for v in verdicts if not v.passed]
    kinds = [vocabulary.kind(v.hidden or "") for v in failed]
    if failed and all(v.wrong for v in failed) and set(kinds) <= {"disagree", "imprecise"}:
        disagreeing = tuple(name for v, k in zip(failed, kinds) if k == "disagree" for name in v.wrong)
        verdict.hidden = (vocabulary.disagree(disagreeing) if disagreeing
                          else vocabulary.imprecise(spec.name, verdict.wrong))
    result = ctx.judged(case, verdict)
    remarked = tuple(name for v in verdicts if v.passed and v.hidden for name in v.wrong)
    if result.passed and remarked:
        result.remark = vocabulary.imprecise_passed(spec.name, remarked)
    return result


_FORWARD_TOLERANCE = 1e-6
"""How close the forward must be to the reference on a gradient-check case for the check to count."""


def _gradients(ctx: Context, case: Case, values: list, differentiated: list):
    """The upstream gradients and the submission's gradients: from its backward, or its own returns."""
    spec = ctx.spec
    if spec.kind == "value_and_grad":
        grads = tuple(values[spec.outputs.index(name)] for name in spec.gradient_outputs)
        return [np.ones(())], grads, ""
    rng = case.rng("dout")
    douts = [rng.standard_normal(np.shape(out)) for out in differentiated]
    back = ctx.runner.call(spec.exercise, spec.backward, [*douts, values[-1]])
    if not back.ok:
        return douts, None, ctx.problem(spec.backward, back, case)
    grads = normalize_gradients(back.value, len(spec.wrt))
    if grads is None:
        return douts, None, (f"{spec.backward} returned {describe_type(back.value, not case.hidden)}; expected "
                             f"({', '.join(spec.gradient_names)})")
    return douts, grads, ""


def _finite_floats(value) -> bool:
    if isinstance(value, (float, np.floating)):
        return bool(np.isfinite(value))
    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and bool(np.all(np.isfinite(value)))


def _leaves(ctx: Context, args: list, grads: tuple):
    """(path into args, gradient name, gradient) for every input the gradients are of."""
    for wrt, name, grad in zip(ctx.spec.wrt, ctx.spec.gradient_names, grads):
        index = ctx.spec.args.index(wrt)
        if isinstance(args[index], dict):
            for key in sorted(args[index]):
                value = grad.get(key) if isinstance(grad, dict) else None
                yield [index, key], f"{name}['{key}']", value
        else:
            yield [index], name, grad


def _check_leaf(ctx, case, args, path, name, grad, douts, picks, noise, deviation) -> Verdict:
    """Check one gradient along its directions: at the rubric's step, then, if it disagrees, at larger ones.

    ``noise`` is float64's rounding allowance at the rubric's step; ``deviation`` bounds how much the
    forward's own error on this case (its largest deviation from the reference, weighted by the
    upstream gradients) can move a central difference, times the step. At a larger step that
    bound divided by the step is allowed too, but never more than the tolerance itself, so the
    check keeps its teeth.
    """
    spec = ctx.spec
    base = args[path[0]] if len(path) == 1 else args[path[0]][path[1]]
    if not isinstance(grad, np.ndarray) or grad.shape != base.shape or grad.dtype.kind != "f":
        return Verdict(False, f"{name} is not a floating array shaped like its input", wrong=(name,),
                       hidden=vocabulary.wrong((name,)))
    if not np.all(np.isfinite(grad)):
        return Verdict(False, f"{name} holds NaN or infinite values", wrong=(name,), hidden=vocabulary.wrong((name,)))
    directions = _directions(ctx, case, base.size)
    analytic = directions @ grad.ravel()
    step = ctx.criterion.step
    measured = _measure(ctx, case, args, path, name, directions, step, picks, douts)
    if isinstance(measured, Verdict):
        return measured
    if _agrees(ctx, measured, analytic, noise):
        return Verdict(True, "", _error(measured, analytic))
    first = _error(measured, analytic)
    errors = []
    for factor in SWEEP:
        if step * factor > MAX_STEP:
            break
        larger = _measure(ctx, case, args, path, name, directions, step * factor, picks, douts)
        if isinstance(larger, Verdict):
            break
        scale = _scale(larger, analytic)
        allowance = noise / factor + min(deviation / (step * factor), ctx.criterion.tolerance * scale)
        if _agrees(ctx, larger, analytic, allowance):
            return Verdict(True, "", _error(larger, analytic), wrong=(name,),
                           hidden=vocabulary.imprecise_passed(spec.name, (name,)))
        errors.append(_error(larger, analytic))
        if not errors[-1] <= first / 10:  # not shrinking as rounding noise does: the gradient itself is off
            break
    if errors and min(errors) <= IMPRECISE and min(errors) <= first / 10:
        return Verdict(False, f"{name} disagrees with central differences at the step {step:g} (relative error "
                              f"{format_error(first, not case.hidden)}) and less at larger steps, as when {spec.name} "
                              f"loses precision: its rounding noise swamps the differences, so {name} cannot be "
                              f"checked; compute the forward in float64 throughout", first, wrong=(name,),
                       hidden=vocabulary.imprecise(spec.name, (name,)))
    return Verdict(False, f"{name} disagrees with central differences of your forward: relative error "
                          f"{format_error(first, not case.hidden)}", first, wrong=(name,),
                   hidden=vocabulary.disagree((name,)))


def _measure(ctx, case, args, path, name, directions, step, picks, douts):
    """Central differences of the submission's forward along ``directions`` at ``step``, or a failed Verdict."""
    spec = ctx.spec
    moved = ctx.runner.perturb(spec.exercise, spec.name, args, path, directions, step, picks)
    if not moved.ok:
        return Verdict(False, ctx.problem(spec.name, moved, case))
    stacked = [(len(directions), *np.shape(dout)) for dout in douts]
    pairs = list(zip(moved.extra["plus"], moved.extra["minus"]))
    if len(pairs) != len(douts) or any(not isinstance(a, np.ndarray) or a.shape != shape or a.dtype.kind != "f"
                                       for pair, shape in zip(pairs, stacked) for a in pair):
        return Verdict(False, f"{spec.name} returned outputs of another shape or type when its input "
                              f"moved slightly, so {name} could not be checked")
    if not all(np.all(np.isfinite(a)) for pair in pairs for a in pair):
        return Verdict(False, f"{spec.name} returned NaN or infinite values when its input moved slightly, "
                              f"so {name} could not be checked")
    numeric = sum(np.tensordot(plus - minus, dout, axes=np.ndim(dout)) for (plus, minus), dout in zip(pairs, douts))
    return numeric / (2 * step)


def _scale(numeric: np.ndarray, analytic: np.ndarray) -> float:
    return max(float(np.max(np.abs(numeric), initial=0.0)), float(np.max(np.abs(analytic), initial=0.0)))


def _error(numeric: np.ndarray, analytic: np.ndarray) -> float:
    """The disagreement relative to the larger of the two."""
    return float(np.max(np.abs(numeric - analytic), initial=0.0)) / max(_scale(numeric, analytic), 1e-12)


def _agrees(ctx: Context, numeric: np.ndarray, analytic: np.ndarray, noise: float) -> bool:
    """Within the criterion's tolerance, allowing float64 rounding noise (NaN anywhere disagrees)."""
    difference = float(np.max(np.abs(numeric - analytic), initial=0.0))
    return bool(difference <= ctx.criterion.tolerance * _scale(numeric, analytic) + noise)


def _directions(ctx: Context, case: Case, size: int) -> np.ndarray:
    """Unit coordinate vectors (full check) or the rubric's number of random unit directions."""
    if ctx.criterion.directions is None:
        return np.eye(size)
    directions = case.rng("directions").standard_normal((ctx.criterion.directions, size))
    return directions / np.linalg.norm(directions, axis=1, keepdims=True)
