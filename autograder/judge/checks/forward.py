"""Forward checks: the submission's outputs against the reference's on the same inputs."""

from __future__ import annotations

from autograder.judge.cases import Case
from autograder.judge.checks.compare import check_values
from autograder.judge.checks.context import Context
from autograder.judge.diagnosis import outputs
from autograder.results import CaseResult


def check_forward(ctx: Context, case: Case) -> CaseResult:
    """Call the function on the case's inputs and compare the outputs the criterion names."""
    spec = ctx.spec
    args = ctx.inputs(case)
    values, call, problem = ctx.run_forward(case, args, keep_cache=True)
    if values is None:
        return ctx.result(case, False, problem, diagnosis=ctx.diagnose_error(spec.name, args, [], call))
    expected = spec.split(ctx.expected(case, args))
    names = ctx.criterion.outputs or spec.outputs
    picks = [spec.outputs.index(name) for name in names]
    if spec.cache:
        ctx.runner.release([values[-1]])
    actual = [values[i] for i in picks]
    verdict = check_values(names, actual, [expected[i] for i in picks], ctx.criterion.tolerance, not case.hidden)
    diagnosis = None if verdict.passed else ctx.diagnose(spec.name, args, [], outputs(names, actual))
    return ctx.judged(case, verdict, diagnosis)
