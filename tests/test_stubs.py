"""The student stubs are generated from the reference and keep its interface, without its solutions."""

from __future__ import annotations

import importlib
import inspect

import pytest

from builders import COURSE, FUNCTIONS
from autograder.course.stubs import MarkerError, make_stub, stale_stubs

CONTRACT_FUNCTIONS = sorted({name for layer in FUNCTIONS.values() for name in (layer.name, layer.backward) if name})


def test_committed_stubs_are_exactly_what_the_generator_produces():
    assert stale_stubs() == [], "run `python -m autograder.stubs` and commit the result"


@pytest.mark.parametrize("function", CONTRACT_FUNCTIONS)
def test_stub_has_the_reference_signature_and_docstring(function):
    exercise = next(layer.exercise for layer in FUNCTIONS.values() if function in (layer.name, layer.backward))
    reference = getattr(importlib.import_module(f"reference.{exercise}"), function)
    stub = getattr(importlib.import_module(f"exercises.{exercise}"), function)
    assert inspect.signature(stub) == inspect.signature(reference)
    assert stub.__doc__ == reference.__doc__ and len(stub.__doc__) > 200


@pytest.mark.parametrize("exercise", COURSE.names)
def test_stub_functions_raise_not_implemented_with_a_pointer(exercise):
    module = importlib.import_module(f"exercises.{exercise}")
    for layer in (layer for layer in FUNCTIONS.values() if layer.exercise == exercise):
        with pytest.raises(NotImplementedError, match=layer.name):
            getattr(module, layer.name)(*([None] * len(layer.args)))


def test_region_in_a_function_becomes_a_raise_and_module_region_disappears():
    source = (
        "import numpy as np\n"
        "# BEGIN SOLUTION\n"
        "def _helper():\n"
        "    return 1\n"
        "# END SOLUTION\n"
        "\n"
        "def f(x):\n"
        '    """Doc."""\n'
        "    # BEGIN SOLUTION: add one\n"
        "    return _helper() + x\n"
        "    # END SOLUTION\n"
    )
    stub = make_stub(source)
    assert "_helper" not in stub
    assert "    raise NotImplementedError('f: add one')" in stub
    assert '"""Doc."""' in stub and "import numpy as np" in stub


@pytest.mark.parametrize("source, problem", [
    ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n# END SOLUTION\n", "without a matching BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside the one at line 1"),
])
def test_unbalanced_markers_are_reported_with_the_line(source, problem):
    with pytest.raises(MarkerError, match=problem):
        make_stub(source, "ref.py")
