"""Backward checks: the submission's gradients against the reference's, for the same inputs and ``dout``.

The submission's backward receives the cache of the submission's own forward, as in training,
after another forward call on other inputs (as when a network holds several layers of one kind),
so that a backward reading what the last forward left in a global instead of its cache shows.
"""

from __future__ import annotations

from autograder.judge.cases import Case
from autograder.judge.checks.compare import Verdict, check_values, describe_type
from autograder.judge.checks.context import Context, normalize_gradients
from autograder.judge.diagnosis import gradients
from autograder.results import CaseResult


def check_backward(ctx: Context, case: Case) -> CaseResult:
    """Run forward then backward in the submission and compare every gradient with the reference."""
    spec = ctx.spec
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return ctx.result(case, False, f"the backward could not run: {problem}",
                          diagnosis=ctx.diagnose_error(spec.name, args, [], call))
    forward = ctx.expected(case, args)
    douts = ctx.douts(case, spec.split(forward))
    expected_grads = ctx.expected_gradients(case, args, douts, forward)
    ctx.run_decoy_forward(case)
    back = ctx.runner.call(spec.exercise, spec.backward, [*douts, values[-1]])
    ctx.runner.release([values[-1]])
    if not back.ok:
        return ctx.result(case, False, ctx.problem(spec.backward, back, case),
                          diagnosis=ctx.diagnose_error(spec.backward, args, douts, back))
    grads = normalize_gradients(back.value, len(spec.wrt))
    if grads is None:
        verdict = Verdict(False, f"{spec.backward} returned {describe_type(back.value, not case.hidden)}; expected "
                                 f"({', '.join(ctx.gradient_names())})")
    else:
        verdict = check_values(ctx.gradient_names(), list(grads), list(expected_grads),
                               ctx.criterion.tolerance, not case.hidden)
    if verdict.passed:
        return ctx.judged(case, verdict)
    if _right_without_decoy(ctx, case, args, douts, expected_grads):
        verdict.message += USES_LAST_FORWARD
        return ctx.judged(case, verdict)
    return ctx.judged(case, verdict, ctx.diagnose(spec.backward, args, douts, gradients(spec, back.value)))


USES_LAST_FORWARD = ("; another forward call ran between this forward and its backward, and with none in between "
                     "the gradients are right: your backward reads what the last forward left behind (a global "
                     "variable?) instead of the cache it is given")


def _right_without_decoy(ctx: Context, case: Case, args: list, douts: list, expected_grads) -> bool:
    """Whether forward then backward, with no other call in between, gives the right gradients."""
    spec = ctx.spec
    values, _, _ = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return False
    back = ctx.runner.call(spec.exercise, spec.backward, [*douts, values[-1]])
    ctx.runner.release([values[-1]])
    grads = normalize_gradients(back.value, len(spec.wrt)) if back.ok else None
    return grads is not None and check_values(ctx.gradient_names(), list(grads), list(expected_grads),
                                              ctx.criterion.tolerance, False).passed
