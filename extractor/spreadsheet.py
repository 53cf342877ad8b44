"""Cells that spreadsheet programs open safely: the one formula guard (and its undo).

Excel, LibreOffice and Google Sheets run a CSV cell that starts with = + - @ (or a
tab or carriage return) as a formula (OWASP "CSV injection"). A CSV has no cell types,
so every CSV the project writes (the audit's disagreements.csv, `litextract export`)
prefixes such text with an apostrophe (`guard_formula`; plain numbers such as -1.5 are
left alone), and every reader of those files takes it off again (`unguard_formula`:
corrections, gold and prediction CSVs, synthesis grouping files), so values round-trip.

XLSX cells are typed: a text cell is never evaluated, so `append_row` stores text as it
is, typed as text (openpyxl would otherwise turn "=x" into a formula and "#N/A" into an
error value). Every XLSX the project writes (export, synthesis) goes through it.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append one row to an openpyxl sheet: text verbatim as text cells (never a formula
    or an error value), without the control characters XML forbids; other values typed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"


def unguard_formula(text: str) -> str:
    """Undo `guard_formula` on a cell read back from a guarded file."""
    if len(text) > 1 and text[0] == "'" and text.startswith(FORMULA_START, 1):
        return text[1:]
    return text
