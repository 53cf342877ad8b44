"""A form's consistency rules: small expressions over a record's values.

Forms declare them (`Form.rules`, YAML `rules:`), e.g.

    intervention_events <= intervention_group_size
    intervention_standard_deviation > 0
    2000 <= year <= 2035
    unique(modalities)
    outcome_type != "binary" or intervention_mean == None

and a field can say when it applies at all (`applies_when`, same syntax). A rule
is parsed with Python's own `ast` parser and evaluated by walking the tree over an
allow-list of nodes (names, numbers, strings, None, + -, comparisons, and/or/not,
`unique(...)`, `len(...)`): nothing is ever `eval`-ed, and paper text never reaches
a rule. Logic is three-valued: a comparison with a missing value is unknown, and
only a rule that is definitely false fails.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from schemas.errors import RuleError

_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_UNKNOWN = object()  # a value the record does not have


@dataclass(frozen=True)
class Rule:
    text: str
    tree: ast.expr
    fields: tuple[str, ...]  # the record fields it reads, in order of appearance

    def holds(self, values: Mapping[str, Any]) -> bool | None:
        """True, False, or None when a value it needs is missing."""
        result = _evaluate(self.tree, values)
        return None if result is _UNKNOWN else bool(result)

    def explain(self, values: Mapping[str, Any]) -> str:
        """The rule with the record's values, for a finding's message. Only numbers,
        yes/no and short tokens are shown: the message may be repeated to the model,
        and a free-text value could carry the paper's words."""
        shown = ", ".join(f"{name} = {_shown(values.get(name))}" for name in self.fields)
        return f"the form's rule `{self.text}` fails ({shown})"


def _shown(value: Any) -> str:
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str) and re.fullmatch(r"[\w.+-]{1,40}", value):
        return repr(value)
    return "(a value)"


@cache
def parse_rule(text: str, known_fields: frozenset[str]) -> Rule:
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise RuleError(f"rule {text!r}: not an expression ({exc.msg})") from None
    names: list[str] = []
    for node in ast.walk(tree):
        _allowed(node, text)
        if isinstance(node, ast.Name) and node.id not in ("unique", "len"):
            if node.id not in known_fields:
                raise RuleError(f"rule {text!r}: the form has no field {node.id!r}")
            names.append(node.id)
    return Rule(text.strip(), tree, tuple(dict.fromkeys(names)))


def _allowed(node: ast.AST, text: str) -> None:
    ok = (
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
        ast.Compare, ast.BinOp, ast.Name, ast.Load, ast.Constant, ast.Call,
        *_COMPARE, *_ARITH,
    )  # fmt: skip
    if not isinstance(node, ok):
        raise RuleError(f"rule {text!r}: {type(node).__name__} is not allowed in a rule")
    if isinstance(node, ast.Call) and not (
        isinstance(node.func, ast.Name)
        and node.func.id in ("unique", "len")
        and len(node.args) == 1
        and not node.keywords
    ):
        raise RuleError(f"rule {text!r}: only unique(field) and len(field) may be called")
    if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | None):
        raise RuleError(f"rule {text!r}: constant {node.value!r} is not allowed")


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        return _UNKNOWN if value is None else value
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        if operand is _UNKNOWN:
            return _UNKNOWN
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if _UNKNOWN in (left, right) or not all(_is_number(v) for v in (left, right)):
            return _UNKNOWN
        return _ARITH[type(node.op)](left, right)
    if isinstance(node, ast.BoolOp):
        results = [_evaluate(v, values) for v in node.values]
        known = [bool(r) for r in results if r is not _UNKNOWN]
        if isinstance(node.op, ast.And):
            return False if not all(known) else (_UNKNOWN if len(known) < len(results) else True)
        return True if any(known) else (_UNKNOWN if len(known) < len(results) else False)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        arg = _evaluate(node.args[0], values)
        if arg is _UNKNOWN or not isinstance(arg, list):
            return _UNKNOWN
        if node.func.id == "len":
            return len(arg)
        keys = [repr(sorted(v.items())) if isinstance(v, dict) else str(v).lower() for v in arg]
        return len(keys) == len(set(keys))
    if isinstance(node, ast.Compare):
        return _compare(node, values)
    raise AssertionError(f"unexpected node {node!r}")  # parse_rule allows nothing else


def _compare(node: ast.Compare, values: Mapping[str, Any]) -> Any:
    left_node = node.left
    left = _evaluate(left_node, values)
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _evaluate(right_node, values)
        is_none_test = isinstance(op, ast.Eq | ast.NotEq) and (
            _is_none(left_node) or _is_none(right_node)
        )
        if is_none_test:
            # `field == None` asks whether the record lacks the value: never unknown.
            present = (right if _is_none(left_node) else left) is not _UNKNOWN
            if (isinstance(op, ast.Eq) and present) or (isinstance(op, ast.NotEq) and not present):
                return False
        elif left is _UNKNOWN or right is _UNKNOWN:
            return _UNKNOWN
        elif _is_number(left) != _is_number(right):
            return False  # a number compared with text: the record is inconsistent
        elif not _COMPARE[type(op)](left, right):
            return False
        left_node, left = right_node, right
    return True


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
