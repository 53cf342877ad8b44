"""Turn raw gold/predicted values into typed, comparable values.

One place decides what "the same value" means before comparison: text is
compared case-, accent-form- and punctuation-insensitively (with aliases),
numbers may arrive as text ("1,525", read by `schemas.numbers`), booleans as
"yes"/"no", enum labels in any case. Each field kind's parser lives in the
kind table (`schemas.kinds`); this module is the audit's entry to it. A value
that cannot be read as its field's type is either an error (gold) or kept as
`Unparsed` text that matches only the identical text.
"""

from __future__ import annotations

from typing import Any

from schemas.form import FieldSpec
from schemas.values import NumericText, Unparsed, ValueProblem, is_empty, normalize_text

__all__ = [
    "NumericText",
    "Unparsed",
    "ValueProblem",
    "coerce_value",
    "is_empty",
    "normalize_text",
]


def coerce_value(spec: FieldSpec, value: Any, numeric_text: NumericText = "parse") -> Any:
    """The typed value of `value` for field `spec`; None when empty. Raises `ValueProblem`."""
    return spec.kind.parse(spec, value, numeric_text)
