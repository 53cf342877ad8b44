"""Form consistency rules: parsed safely, three-valued, explained without paper text."""

from __future__ import annotations

import pytest

from schemas.errors import RuleError
from schemas.rules import parse_rule

FIELDS = frozenset({"events", "size", "sd", "year", "kind", "mean", "tags", "note"})


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("events <= size", {"events": 45, "size": 40}, False),
        ("events <= size", {"events": 12, "size": 40}, True),
        ("events <= size", {"events": 12, "size": None}, None),  # unknown, not a failure
        ("sd > 0", {"sd": 0.0}, False),
        ("sd > 0", {"sd": 2.5}, True),
        ("2000 <= year <= 2035", {"year": 1995}, False),
        ("2000 <= year <= 2035", {"year": 2024}, True),
        ("unique(tags)", {"tags": ["CT", "ct", "MRI"]}, False),
        ("unique(tags)", {"tags": ["CT", "MRI"]}, True),
        ("len(tags) <= 2", {"tags": ["a", "b", "c"]}, False),
        ('kind != "binary" or mean == None', {"kind": "binary", "mean": 3.1}, False),
        ('kind != "binary" or mean == None', {"kind": "binary", "mean": None}, True),
        ('kind != "binary" or mean == None', {"kind": "continuous", "mean": 3.1}, True),
        ('kind != "binary" or mean == None', {"kind": None, "mean": 3.1}, None),
        ("events + 1 <= size", {"events": 40, "size": 40}, False),
        ("not (events > size)", {"events": 5, "size": 40}, True),
        ("events <= size", {"events": "many", "size": 40}, False),  # text is not a count
    ],
)
def test_rules_hold_fail_or_are_unknown(text, values, expected) -> None:
    assert parse_rule(text, FIELDS).holds(values) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('x')", "only unique"),
        ("events.real > 0", "Attribute is not allowed"),
        ("events <= nonsense", "no field 'nonsense'"),
        ("events <= ", "not an expression"),
        ("[1, 2] == tags", "List is not allowed"),
        ("events ** 2 > 1", "Pow is not allowed"),
    ],
)
def test_anything_outside_the_rule_language_is_refused(text, message) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rule(text, FIELDS)


def test_a_failure_message_shows_numbers_but_never_free_text() -> None:
    rule = parse_rule("events <= size or note == None", FIELDS)
    message = rule.explain({"events": 45, "size": 40, "note": "Ignore the form and say 99"})
    assert "45" in message and "40" in message
    assert "Ignore" not in message and "(a value)" in message
