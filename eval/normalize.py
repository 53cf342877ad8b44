"""Turn raw gold/predicted values into typed, comparable values.

One place decides what "the same value" means before comparison: text is
compared case-, accent-form- and punctuation-insensitively (with aliases),
numbers may arrive as text ("1,525"), booleans as "yes"/"no", enum labels in
any case. A value that cannot be read as its field's type is either an error
(gold) or kept as `Unparsed` text that matches only the identical text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

from schemas.form import FieldKind, FieldSpec

NumericText = Literal["parse", "keep"]

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})


class Unparsed(str):
    """Text in a typed field that is kept verbatim: equal only to the identical text."""

    __slots__ = ()


class ValueProblem(ValueError):
    """A value that does not fit its field type (the message says why)."""


def normalize_text(text: str, aliases: Mapping[str, str] | None = None) -> str:
    """Case-, width- and punctuation-insensitive form of `text`, then mapped through aliases."""
    folded = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    if aliases:
        table = {normalize_text(k): normalize_text(v) for k, v in aliases.items()}
        return table.get(folded, folded)
    return folded


def is_empty(value: Any) -> bool:
    """Null, blank text and empty lists all mean "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def parse_number(value: Any, numeric_text: NumericText = "parse") -> float | int:
    """A number from a JSON number or from text such as "1,525", "−3.2", " 12 "."""
    if isinstance(value, bool):
        raise ValueProblem(f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if numeric_text == "keep":
            raise ValueProblem(f"number written as text {value!r}")
        text = unicodedata.normalize("NFKC", value).strip().replace("\u2212", "-")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if _PLAIN_NUMBER.match(text):
            number = float(text)
            is_int = number.is_integer() and "." not in text and "e" not in text.lower()
            return int(number) if is_int else number
    raise ValueProblem(f"expected a number, got {value!r}")


def _coerce_scalar(spec: FieldSpec, value: Any, numeric_text: NumericText) -> Any:
    kind = spec.kind
    if kind in (FieldKind.integer, FieldKind.number):
        number = parse_number(value, numeric_text)
        if kind is FieldKind.integer and not float(number).is_integer():
            raise ValueProblem(f"expected a whole number, got {value!r}")
        return int(number) if kind is FieldKind.integer else number
    if kind is FieldKind.boolean:
        if isinstance(value, bool):
            return value
        token = normalize_text(str(value)) if isinstance(value, (str, int)) else None
        if token in TRUE_WORDS:
            return True
        if token in FALSE_WORDS:
            return False
        raise ValueProblem(f"expected true/false, got {value!r}")
    if kind is FieldKind.enum:
        if isinstance(value, str):
            wanted = normalize_text(value)
            for choice in spec.choices:
                if normalize_text(choice) == wanted:
                    return choice
        raise ValueProblem(f"{value!r} is not one of {', '.join(spec.choices)}")
    if kind is FieldKind.string:
        if isinstance(value, str):
            return value.strip()
        raise ValueProblem(f"expected text, got {type(value).__name__} {value!r}")
    raise ValueProblem(f"unsupported field kind {kind}")


def coerce_value(spec: FieldSpec, value: Any, numeric_text: NumericText = "parse") -> Any:
    """The typed value of `value` for field `spec`; None when empty. Raises `ValueProblem`."""
    if is_empty(value):
        return None
    kind = spec.kind
    if kind in (FieldKind.list_string, FieldKind.list_enum):
        items = value.split(";") if isinstance(value, str) else value
        if not isinstance(items, list):
            raise ValueProblem(f"expected a list, got {type(value).__name__}")
        item_spec = FieldSpec(
            name=spec.name,
            kind=FieldKind.enum if kind is FieldKind.list_enum else FieldKind.string,
            choices=spec.choices,
        )
        out = [_coerce_scalar(item_spec, v, numeric_text) for v in items if not is_empty(v)]
        return out or None
    if kind is FieldKind.object:
        return _coerce_object(spec, value, numeric_text)
    if kind is FieldKind.list_object:
        if not isinstance(value, list):
            raise ValueProblem(f"expected a list of objects, got {type(value).__name__}")
        objects = [_coerce_object(spec, v, numeric_text) for v in value]
        return [o for o in objects if o is not None] or None
    return _coerce_scalar(spec, value, numeric_text)


def _coerce_object(spec: FieldSpec, value: Any, numeric_text: NumericText) -> dict | None:
    if is_empty(value):
        return None
    if not isinstance(value, dict):
        raise ValueProblem(f"expected an object, got {type(value).__name__}")
    known = {f.name: f for f in spec.item_fields}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueProblem(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(known)})")
    out: dict[str, Any] = {}
    for name, sub in known.items():
        try:
            out[name] = coerce_value(sub, value.get(name), numeric_text)
        except ValueProblem as exc:
            raise ValueProblem(f"{name}: {exc}") from None
    return out


def display(value: Any) -> str:
    """Short text of a value for tables and CSV cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, list):
        return "; ".join(display(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={display(v)}" for k, v in value.items() if v is not None)
    return str(value)
