"""Forward checks: the submission's outputs against the reference's on the same inputs."""

from __future__ import annotations

from autograder.cases import Case
from autograder.checks.compare import check_values
from autograder.checks.context import Context
from autograder.diagnosis import outputs
from autograder.results import CaseResult


def check_forward(ctx: Context, case: Case) -> CaseResult:
    """Call the forward on the case's inputs and compare the outputs the criterion names."""
    layer = ctx.layer
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return ctx.result(case, False, problem, diagnosis=ctx.diagnose_error(layer.forward, args, [], call))
    expected = ctx.oracle.call(layer.forward, args)
    expected = expected[:len(layer.outputs)] if layer.has_cache else expected
    names = ctx.criterion.outputs or layer.outputs
    picks = [layer.outputs.index(name) for name in names]
    if layer.has_cache:
        ctx.runner.release([values[-1]])
    actual = [values[i] for i in picks]
    verdict = check_values(names, actual, [expected[i] for i in picks], ctx.criterion.tolerance, not case.hidden)
    diagnosis = None if verdict.passed else ctx.diagnose(layer.forward, args, [], outputs(names, actual))
    return ctx.result(case, verdict.passed, verdict.message, verdict.relative_error, diagnosis)
