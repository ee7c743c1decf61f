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
"""

from __future__ import annotations

import numpy as np

from autograder.judge.cases import Case
from autograder.judge.checks import vocabulary
from autograder.judge.checks.compare import Verdict, check_values, combine, describe_type, format_error
from autograder.judge.checks.context import Context, normalize_gradients
from autograder.results import CaseResult

NOISE_FACTOR = 64 * np.finfo(np.float64).eps


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
    expected = spec.split(ctx.oracle.call(spec, args))
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
    verdicts = [_check_leaf(ctx, case, args, path, name, grad, douts, picks, noise)
                for path, name, grad in _leaves(ctx, args, grads)]
    verdict = combine(verdicts)
    failed = [v for v in verdicts if not v.passed]
    if failed and all(v.wrong and v.hidden == vocabulary.disagree(v.wrong) for v in failed):
        verdict.hidden = vocabulary.disagree(verdict.wrong)
    return ctx.judged(case, verdict)


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


def _check_leaf(ctx, case, args, path, name, grad, douts, picks, noise) -> Verdict:
    spec = ctx.spec
    base = args[path[0]] if len(path) == 1 else args[path[0]][path[1]]
    if not isinstance(grad, np.ndarray) or grad.shape != base.shape or grad.dtype.kind != "f":
        return Verdict(False, f"{name} is not a floating array shaped like its input", wrong=(name,),
                       hidden=vocabulary.wrong((name,)))
    if not np.all(np.isfinite(grad)):
        return Verdict(False, f"{name} holds NaN or infinite values", wrong=(name,), hidden=vocabulary.wrong((name,)))
    directions = _directions(ctx, case, base.size)
    moved = ctx.runner.perturb(spec.exercise, spec.name, args, path, directions, ctx.criterion.step, picks)
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
    numeric = numeric / (2 * ctx.criterion.step)
    analytic = directions @ grad.ravel()
    difference = float(np.max(np.abs(numeric - analytic), initial=0.0))
    scale = max(float(np.max(np.abs(numeric), initial=0.0)), float(np.max(np.abs(analytic), initial=0.0)))
    error = difference / max(scale, 1e-12)
    if not difference <= ctx.criterion.tolerance * scale + noise:  # NaN anywhere fails too
        return Verdict(False, f"{name} disagrees with central differences of your forward: relative error "
                              f"{format_error(error, not case.hidden)}", error, wrong=(name,),
                       hidden=vocabulary.disagree((name,)))
    return Verdict(True, "", error)


def _directions(ctx: Context, case: Case, size: int) -> np.ndarray:
    """Unit coordinate vectors (full check) or the rubric's number of random unit directions."""
    if ctx.criterion.directions is None:
        return np.eye(size)
    directions = case.rng("directions").standard_normal((ctx.criterion.directions, size))
    return directions / np.linalg.norm(directions, axis=1, keepdims=True)
