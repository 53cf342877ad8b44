"""Cells that spreadsheet programs open safely: the one formula guard (and its undo).

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (or a
tab or carriage return) as a formula (OWASP "CSV injection"). Every CSV and
XLSX the project writes (the audit's disagreements.csv, `litextract export`)
guards text cells here, and corrections read adjudicated cells back through
`unguard_formula`.
"""

from __future__ import annotations

from typing import Any

from schemas.numbers import read_number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_plain_number(text: str) -> bool:
    # "-1.5" and "+3e-2" are numbers, not formulas: they stay as they are.
    return read_number(text) is not None and not any(ch.isspace() for ch in text)


def guard_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate with `'`; numbers (and non-text) stay."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_plain_number(value):
        return "'" + value
    return value


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX cell: guarded text without the control characters XML forbids
    (openpyxl refuses them), other values as they are."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return guard_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def unguard_formula(text: str) -> str:
    """Undo `guard_formula` on a cell read back from a guarded file."""
    if len(text) > 1 and text[0] == "'" and text.startswith(FORMULA_START, 1):
        return text[1:]
    return text
