"""The engine's generic properties: behaviour that is not one expected array, for any exercise.

``inputs_unmodified`` (forward and backward leave their arguments alone) and ``raises_value_error``
(an invalid argument raises ``ValueError``) are registered as hooks, as a course's own properties
are (see :mod:`autograder.course.hooks`). Every property that a do-nothing function could satisfy
also asks for a correct result, or its rubric criterion ``requires`` one, so that points always
mean working code. A random function's output is not one fixed array, so there the rubric's
``requires`` on another criterion is the gate.
"""

from __future__ import annotations

import numpy as np

from autograder.course import hooks
from autograder.judge.checks import vocabulary
from autograder.judge.cases import Case
from autograder.judge.checks.compare import Verdict, check_values, unpack_returned
from autograder.judge.checks.context import Context
from autograder.judge.diagnosis import Diagnosis, arguments, gradients, outputs
from autograder.results import CaseResult


@hooks.property_check("inputs_unmodified")
def inputs_unmodified(ctx: Context, case: Case) -> Verdict:
    """Forward and backward leave every argument, ``dout`` and the running statistics as they were."""
    spec = ctx.spec
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True, return_inputs=True)
    if values is None:
        return Verdict(False, problem, diagnosis=ctx.diagnose_error(spec.name, args, [], call))
    expected = spec.split(ctx.expected(case, args))
    handles = values[-1:] if spec.cache else []
    if not spec.random:
        correct = check_values(spec.outputs, values[:len(spec.outputs)], list(expected), 1e-6, not case.hidden)
        if not correct.passed:
            ctx.runner.release(handles)
            diagnosis = ctx.diagnose(spec.name, args, [], outputs(spec.outputs, values), tolerance=1e-6)
            return Verdict(False, f"{spec.name} must also compute the right output here: {correct.message}",
                           diagnosis=diagnosis, wrong=correct.wrong, hidden=correct.hidden)
    changed = _changed(spec.args, args, call.inputs_after)
    if changed:
        ctx.runner.release(handles)
        return Verdict(False, f"{spec.name} modified its argument(s) {', '.join(changed)} in place",
                       wrong=_names(changed), hidden=vocabulary.modified(spec.name, _names(changed)),
                       diagnosis=ctx.diagnose(spec.name, args, [], arguments(spec.args, call.inputs_after),
                                              observe="inputs"))
    if not spec.backward_applies(args):
        ctx.runner.release(handles)
        return Verdict(True)
    douts = ctx.douts(case, expected)
    back = ctx.runner.call(spec.exercise, spec.backward, [*douts, values[-1]], return_inputs=True)
    ctx.runner.release(handles)
    if not back.ok:
        return Verdict(False, ctx.problem(spec.backward, back, case),
                       diagnosis=ctx.diagnose_error(spec.backward, args, douts, back))
    changed = _changed(spec.upstream_names, douts, back.inputs_after[:len(douts)])
    changed += _changed(spec.args, args, back.forward_inputs_after or [])
    if changed:
        after = {**arguments(spec.upstream_names, back.inputs_after[:len(douts)]),
                 **arguments(spec.args, back.forward_inputs_after or [])}
        return Verdict(False, f"{spec.backward} modified {', '.join(changed)} in place", wrong=_names(changed),
                       hidden=vocabulary.modified(spec.backward, _names(changed)),
                       diagnosis=ctx.diagnose(spec.backward, args, douts, after, observe="inputs"))
    return Verdict(True)


def _names(changed: list[str]) -> tuple[str, ...]:
    """The argument names of ``_changed``'s descriptions (``params (its keys)`` is ``params``)."""
    return tuple(change.split(" ")[0] for change in changed)


def _changed(names, before, after) -> list[str]:
    """Names of the arguments whose arrays, dicts or lists differ between ``before`` and ``after``."""
    changed = []
    for name, old, new in zip(names, before, after or [None] * len(before)):
        if isinstance(old, dict):
            if not isinstance(new, dict) or set(new) != set(old):
                changed.append(f"{name} (its keys)")
            else:
                changed += _changed([f"{name}['{k}']" for k in old], list(old.values()), [new[k] for k in old])
        elif isinstance(old, list):
            if not isinstance(new, list) or len(new) != len(old):
                changed.append(f"{name} (its items)")
            else:
                changed += [f"{name}[{k}]" for k, (a, b) in enumerate(zip(old, new)) if not _same(a, b)]
        elif isinstance(old, np.ndarray) and not _same(old, new):
            changed.append(name)
    return changed


def _same(old, new) -> bool:
    """Whether ``new`` is ``old`` unchanged: arrays equal (NaN where NaN was), containers item by item."""
    if isinstance(old, np.ndarray):
        return isinstance(new, np.ndarray) and new.shape == old.shape and np.array_equal(new, old, equal_nan=True)
    if isinstance(old, (list, tuple)):
        return type(new) is type(old) and len(new) == len(old) and all(map(_same, old, new))
    if isinstance(old, dict):
        return isinstance(new, dict) and set(new) == set(old) and all(_same(old[k], new[k]) for k in old)
    return type(new) is type(old) and new == old


@hooks.property_check("raises_value_error")
def raises_value_error(ctx: Context, case: Case) -> Verdict:
    """An invalid argument raises ValueError (not another exception, not a silent result)."""
    spec = ctx.spec
    args = ctx.inputs(case)
    function = ctx.criterion.function
    douts = []
    if function == spec.backward:
        values, call, problem = ctx.run_forward(case, args, keep_cache=True)
        if values is None:
            return Verdict(False, f"the backward could not run: {problem}")
        douts = ctx.douts(case, spec.split(ctx.expected(case, args)))
        douts[0] = case.rng("dout").standard_normal(case.params["dout"])
        call = ctx.runner.call(spec.exercise, function, [*douts, values[-1]])
        ctx.runner.release([values[-1]])
    else:
        call = ctx.runner.call(spec.exercise, function, args)
    if call.ok:
        return Verdict(False, f"{function} accepted an invalid argument without raising ValueError",
                       diagnosis=_accepted(ctx, function, args, douts, call.value),
                       hidden=vocabulary.no_value_error(function))
    if call.error and call.error.get("is_value_error"):
        return Verdict(True)
    return Verdict(False, f"expected ValueError, but {ctx.problem(function, call, case)}",
                   diagnosis=ctx.diagnose_error(function, args, douts, call), hidden=vocabulary.no_value_error(function))


def _accepted(ctx: Context, function: str, args: list, douts: list, value) -> Diagnosis | None:
    """The mistake that returns what the submission returned for invalid arguments."""
    spec = ctx.spec
    if function == spec.backward:
        return ctx.diagnose(function, args, douts, gradients(spec, value))
    values, _ = unpack_returned(value, len(spec.outputs), spec.cache, function, False)
    return None if values is None else ctx.diagnose(function, args, [], outputs(spec.outputs, values))


def check_property(ctx: Context, case: Case) -> CaseResult:
    """Run the property the criterion names (the engine's own, or a course plug-in's)."""
    return ctx.judged(case, ctx.course.hooks.properties[ctx.criterion.property_name].check(ctx, case))
