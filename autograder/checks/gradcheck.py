"""Gradient checks: the submission's own backward against central differences of its own forward.

For a random upstream gradient ``dout`` and the loss ``L = sum(out * dout)``, the derivative of
``L`` along a direction ``v`` of an input is ``(L(x + h v) - L(x - h v)) / 2h`` numerically and
``<dx, v>`` from the backward. Small inputs are checked along every coordinate (the full
Jacobian-vector product); a rubric may ask for a few random directions on larger ones. Cases
draw inputs away from kinks (ReLU zeros, pooling ties), so a correct submission cannot fail.
"""

from __future__ import annotations

import numpy as np

from autograder.cases import Case
from autograder.checks.compare import combine, describe_type, format_error, Verdict
from autograder.checks.context import Context, normalize_gradients
from autograder.results import CaseResult

NOISE_FACTOR = 64 * np.finfo(np.float64).eps


def check_gradient(ctx: Context, case: Case) -> CaseResult:
    """Compare every gradient the backward returns with central differences of the forward."""
    layer = ctx.layer
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return ctx.result(case, False, f"the gradient check could not run: {problem}")
    picks = [layer.outputs.index(name) for name in layer.differentiable]
    outputs = [values[i] for i in picks]
    if not all(isinstance(out, np.ndarray) and out.dtype.kind == "f" and np.all(np.isfinite(out)) for out in outputs):
        ctx.runner.release([values[-1]])
        return ctx.result(case, False, f"{layer.forward} did not return finite floating arrays to differentiate")
    rng = case.rng("dout")
    douts = [rng.standard_normal(out.shape) for out in outputs]
    back = ctx.runner.call(layer.exercise, layer.backward, [*douts, values[-1]])
    ctx.runner.release([values[-1]])
    if not back.ok:
        return ctx.result(case, False, ctx.problem(layer.backward, back, case))
    grads = normalize_gradients(back.value, len(layer.wrt))
    if grads is None:
        return ctx.result(case, False, f"{layer.backward} returned {describe_type(back.value, not case.hidden)}; expected "
                                       f"({', '.join(ctx.gradient_names())})")
    noise = NOISE_FACTOR * sum(float(np.sum(np.abs(o * d))) for o, d in zip(outputs, douts)) / ctx.criterion.step
    verdicts = [_check_leaf(ctx, case, args, path, name, grad, douts, picks, noise)
                for path, name, grad in _leaves(ctx, args, grads)]
    verdict = combine(verdicts)
    return ctx.result(case, verdict.passed, verdict.message, verdict.relative_error)


def _leaves(ctx: Context, args: list, grads: tuple):
    """(path into args, gradient name, gradient) for every input the backward differentiates."""
    for wrt, name, grad in zip(ctx.layer.wrt, ctx.gradient_names(), grads):
        index = ctx.layer.args.index(wrt)
        if isinstance(args[index], dict):
            for key in sorted(args[index]):
                value = grad.get(key) if isinstance(grad, dict) else None
                yield [index, key], f"{name}['{key}']", value
        else:
            yield [index], name, grad


def _check_leaf(ctx, case, args, path, name, grad, douts, picks, noise) -> Verdict:
    base = args[path[0]] if len(path) == 1 else args[path[0]][path[1]]
    if not isinstance(grad, np.ndarray) or grad.shape != base.shape or grad.dtype.kind != "f":
        return Verdict(False, f"{name} is not a floating array shaped like its input")
    if not np.all(np.isfinite(grad)):
        return Verdict(False, f"{name} holds NaN or infinite values")
    directions = _directions(ctx, case, base.size)
    moved = ctx.runner.perturb(ctx.layer.exercise, ctx.layer.forward, args, path, directions,
                               ctx.criterion.step, picks)
    if not moved.ok:
        return Verdict(False, ctx.problem(ctx.layer.forward, moved, case))
    shapes = [(len(directions), *dout.shape) for dout in douts]
    pairs = list(zip(moved.extra["plus"], moved.extra["minus"]))
    if len(pairs) != len(douts) or any(not isinstance(a, np.ndarray) or a.shape != shape or a.dtype.kind != "f"
                                       for pair, shape in zip(pairs, shapes) for a in pair):
        return Verdict(False, f"{ctx.layer.forward} returned outputs of another shape or type when its input "
                              f"moved slightly, so {name} could not be checked")
    if not all(np.all(np.isfinite(a)) for pair in pairs for a in pair):
        return Verdict(False, f"{ctx.layer.forward} returned NaN or infinite values when its input moved slightly, "
                              f"so {name} could not be checked")
    numeric = sum(np.tensordot(plus - minus, dout, axes=dout.ndim) for (plus, minus), dout in zip(pairs, douts))
    numeric = numeric / (2 * ctx.criterion.step)
    analytic = directions @ grad.ravel()
    difference = float(np.max(np.abs(numeric - analytic), initial=0.0))
    scale = max(float(np.max(np.abs(numeric), initial=0.0)), float(np.max(np.abs(analytic), initial=0.0)))
    error = difference / max(scale, 1e-12)
    if not difference <= ctx.criterion.tolerance * scale + noise:  # NaN anywhere fails too
        return Verdict(False, f"{name} disagrees with central differences of your forward: relative error "
                              f"{format_error(error, not case.hidden)}", error)
    return Verdict(True, "", error)


def _directions(ctx: Context, case: Case, size: int) -> np.ndarray:
    """Unit coordinate vectors (full check) or the rubric's number of random unit directions."""
    if ctx.criterion.directions is None:
        return np.eye(size)
    directions = case.rng("directions").standard_normal((ctx.criterion.directions, size))
    return directions / np.linalg.norm(directions, axis=1, keepdims=True)
