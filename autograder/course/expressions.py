"""Small arithmetic expressions in course files: sizes, scales, conditions and case features.

An exercise file may write ``4*H`` for a shape, ``1/sqrt(D)`` for a scale, ``C`` for a default size,
``train`` for when a backward applies, or ``max(pair(stride)) > 1`` for a feature of a case. Such a
string is parsed with :mod:`ast` and evaluated over a namespace of names (the case's sizes, values
and flags); only numbers, names, tuples and lists, arithmetic, comparisons, ``and``/``or``/``not``,
conditional expressions and the functions of :data:`FUNCTIONS` are allowed, so course data can
never run arbitrary code.
"""

from __future__ import annotations

import ast
import math
import operator
from functools import lru_cache
from typing import Any, Mapping


class ExpressionError(ValueError):
    """An expression that is not allowed, does not parse, or names something unknown."""


def pair(value) -> tuple:
    """``(v, v)`` for a number, the value itself (as a tuple) for a pair: how strides and paddings read."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


FUNCTIONS = {
    "sqrt": math.sqrt, "prod": math.prod, "min": min, "max": max, "abs": abs, "len": len,
    "int": int, "float": float, "pair": pair, "is_pair": lambda value: isinstance(value, (tuple, list)),
}
"""The functions an expression may call."""

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
            ast.NotIn: lambda a, b: a not in b}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    """The checked syntax tree of ``text``.

    Raises
    ------
    ExpressionError
        When ``text`` is not an expression, or uses syntax outside the allowed subset.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(f"{text!r} is not an expression: {error.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ExpressionError(f"{text!r}: only these functions may be called: {', '.join(sorted(FUNCTIONS))}")
        if not isinstance(node, _ALLOWED):
            raise ExpressionError(f"{text!r}: {type(node).__name__} is not allowed in a course expression")
    return tree


_ALLOWED = (ast.Constant, ast.Name, ast.Load, ast.Tuple, ast.List, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
            ast.IfExp, ast.Call, ast.Subscript, ast.And, ast.Or, *_BINARY, *_COMPARE, *_UNARY)


@lru_cache(maxsize=4096)
def names(text: str) -> frozenset[str]:
    """The names ``text`` refers to (functions excluded)."""
    return frozenset(node.id for node in ast.walk(parse(text)) if isinstance(node, ast.Name) and node.id not in FUNCTIONS)


def evaluate(text: str, namespace: Mapping[str, Any]) -> Any:
    """The value of the expression ``text`` with the names of ``namespace``.

    Raises
    ------
    ExpressionError
        When the expression is not allowed or names something ``namespace`` lacks.
    """
    return _evaluate(parse(text), namespace, text)


def _evaluate(node: ast.expr, namespace: Mapping[str, Any], text: str) -> Any:
    recurse = lambda child: _evaluate(child, namespace, text)  # noqa: E731
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            return FUNCTIONS[node.id]
        if node.id not in namespace:
            known = ", ".join(sorted(namespace)) or "none"
            raise ExpressionError(f"{text!r}: unknown name {node.id!r}; known names: {known}")
        return namespace[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [recurse(item) for item in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](recurse(node.left), recurse(node.right))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](recurse(node.operand))
    if isinstance(node, ast.BoolOp):
        values = (recurse(value) for value in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = recurse(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = recurse(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return recurse(node.body) if recurse(node.test) else recurse(node.orelse)
    if isinstance(node, ast.Subscript):
        return recurse(node.value)[recurse(node.slice)]
    if isinstance(node, ast.Call):
        return recurse(node.func)(*[recurse(arg) for arg in node.args])
    raise ExpressionError(f"{text!r}: {type(node).__name__} is not allowed")
