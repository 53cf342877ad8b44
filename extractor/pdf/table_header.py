"""Which leading rows of a table are column headers, and header cells spread over the
columns they span (role checks read a value's column header and its row label)."""

from __future__ import annotations

import re

_MAX_HEADER_ROWS = 3
# a group size printed under an arm's name: "(n = 50)", "N=48" heads a column
_GROUP_SIZE = re.compile(r"^\(?\s*n\s*=\s*\d+\s*\)?$", re.IGNORECASE)
_NOT_REPORTED = re.compile(r"^(n/?a|nr|ns|[-\u2013\u2014\u2212])$", re.IGNORECASE)


def _is_value(cell: str) -> bool:
    """A body cell: mostly digits ("12.3 ± 4.5", "25 (50%)", "<0.001") or a dash / NA.
    "95% CI" and "(n = 50)" are headers."""
    text = cell.strip()
    if not text or _GROUP_SIZE.match(text):
        return False
    if _NOT_REPORTED.match(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    letters = sum(ch.isalpha() for ch in text)
    return digits > letters


def count_header_rows(rows: list[list[str]]) -> int:
    """Leading rows with no value outside the first column (at most three); 0 when no
    such row or when every row would be one (then nothing tells headers from body)."""
    count = 0
    for row in rows[:_MAX_HEADER_ROWS]:
        rest = [cell for cell in row[1:] if cell.strip()]
        if not rest or any(_is_value(cell) for cell in rest):
            break  # a data row, or a row label alone (a group heading in the body)
        count += 1
    return count if count < len(rows) else 0


def spread_header(
    rows: list[list[str]], header_rows: int, spans: list[list[tuple[int, int]]]
) -> list[list[str]]:
    """Rows with each header cell's text repeated in every column it spans.

    `spans[r][c]` is the (first, last) column of the cell whose text stands in column c
    of row r; empty cells covered by a spanning cell take its text."""
    out = [list(row) for row in rows]
    for r in range(min(header_rows, len(rows))):
        for c, (first, last) in enumerate(spans[r] if r < len(spans) else []):
            text = rows[r][c]
            if not text.strip():
                continue
            for k in range(first, min(last, len(out[r]) - 1) + 1):
                if not out[r][k].strip():
                    out[r][k] = text
    # a label over sub-headers ("Intervention" over "Mean", "SD") where no box says so:
    # the empty cells after it whose column has a sub-header in the next header row
    for r in range(min(header_rows, len(rows)) - 1):
        for c in range(1, len(out[r])):
            if not out[r][c].strip() or (c + 1 < len(out[r]) and out[r][c + 1].strip()):
                continue
            k = c + 1
            while k < len(out[r]) and not rows[r][k].strip() and rows[r + 1][k].strip():
                out[r][k] = out[r][c]
                k += 1
    return out
