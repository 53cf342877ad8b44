"""What every stage agrees a plain value is: empty or not, "the same text", shown how.

The field-kind table (`schemas.kinds`) builds its parsers, comparators and
displays from these; the audit and the review store both use them, so neither
has to import the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

# How a number written as text ("1,525") is read: `parse` reads it, `keep` refuses it.
NumericText = Literal["parse", "keep"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})


class Unparsed(str):
    """Text in a typed field that is kept verbatim: equal only to the identical text."""

    __slots__ = ()


class ValueProblem(ValueError):
    """A value that does not fit its field type (the message says why).

    `expected` names what was wanted ("a whole number"), for callers that word
    their own message around the value as typed.
    """

    def __init__(self, message: str, expected: str = "") -> None:
        super().__init__(message)
        self.expected = expected


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


def display_value(value: Any) -> str:
    """Short text of a value for tables and CSV cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, list):
        return "; ".join(display_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={display_value(v)}" for k, v in value.items() if v is not None)
    return str(value)
