"""The kinds of check a rubric criterion can ask for, one module each.

A check takes a :class:`Context` (the criterion, the runner that calls the submission, the
oracle that knows the expected values) and one :class:`~autograder.cases.Case`, and returns a
:class:`~autograder.results.CaseResult`. Every comparison happens here, in the trusted grader.
"""

from __future__ import annotations

from autograder.judge.checks.backward import check_backward
from autograder.judge.checks.context import Context
from autograder.judge.checks.forward import check_forward
from autograder.judge.checks.gradcheck import check_gradient
from autograder.judge.checks.properties import check_property

CHECKS = {
    "forward": check_forward,
    "backward": check_backward,
    "gradcheck": check_gradient,
    "property": check_property,
}

__all__ = ["CHECKS", "Context"]
