"""Which leading rows of a table are column headers, and header cells spread over the
columns they span (role checks read a value's column header and its row label)."""

from __future__ import annotations

import re

# a header of three cells printed on two lines each is read as six rows
_MAX_HEADER_ROWS = 6
# a group size printed under an arm's name: "(n = 50)", "N=48" heads a column; a column
# headed "12 m (n = 592)" or "Baseline (n = 645)" is a timepoint's
_GROUP_SIZE = re.compile(r"^\(?\s*n\s*=\s*\d+\s*\)?$", re.IGNORECASE)
_GROUP_SIZE_AFTER = re.compile(r"\S\s*\(\s*n\s*=\s*\d+\s*\)$", re.IGNORECASE)
_NOT_REPORTED = re.compile(r"^(n/?a|nr|ns|[-\u2013\u2014\u2212])$", re.IGNORECASE)


def is_value(cell: str) -> bool:
    """A body cell: mostly digits ("12.3 ± 4.5", "25 (50%)", "<0.001") or a dash / NA.
    "95% CI" and "(n = 50)" are headers."""
    text = cell.strip()
    if not text or _GROUP_SIZE.match(text) or _GROUP_SIZE_AFTER.search(text):
        return False
    if _NOT_REPORTED.match(text):
        return True
    # map() over the characters: this runs for every cell of every table
    return sum(map(str.isdigit, text)) > sum(map(str.isalpha, text))


def count_header_rows(rows: list[list[str]]) -> int:
    """Leading rows with no value outside the first column (at most three); 0 when no
    such row or when every row would be one (then nothing tells headers from body)."""
    count = 0
    for row in rows[:_MAX_HEADER_ROWS]:
        rest = [cell for cell in row[1:] if cell.strip()]
        if not rest or any(is_value(cell) for cell in rest):
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
        group_start, group_width = -1, 0  # the last label's first column and width
        for c in range(1, len(out[r])):
            if c < group_start + group_width:
                continue  # inside the group just spread
            if not out[r][c].strip() or (c + 1 < len(out[r]) and out[r][c + 1].strip()):
                continue
            start = c
            while start > 1 and out[r][start - 1] == out[r][c]:
                start -= 1  # a label a box already spread: its group starts there
            # groups side by side have one width: "Intervention, N = 28" and "Control,
            # N = 14" over three columns each, the last column ("P-value for
            # differences") under neither
            limit = (
                start + group_width
                if group_width > 1 and group_start + group_width == start
                else len(out[r])
            )
            k = c + 1
            limit = min(limit, len(rows[r + 1]))
            while k < limit and not rows[r][k].strip() and rows[r + 1][k].strip():
                out[r][k] = out[r][c]
                k += 1
            group_start, group_width = start, k - start
    return out


def spread_row_labels(rows: list[list[str]], header_rows: int) -> list[list[str]]:
    """Rows with a row label printed once for several rows repeated in each of them.

    A body row with an empty first cell, its own label in the second ("| 24 | 50 | 0.06",
    "| Female | 254 (51%)") and values after it, under a row of the same shape, belongs
    to the label above: "MMSE-J" at weeks 12, 24 and 28; "Sex" for "Male", "Female"."""
    out = [list(row) for row in rows]
    # the first body row has no row above it to take a label from (a header's is not one)
    for r in range(header_rows + 1 if header_rows else 2, len(out)):
        row, above = out[r], out[r - 1]
        if (
            len(row) > 2
            and len(above) > 1
            and not row[0].strip()
            and row[1].strip()
            and above[0].strip()
            and above[1].strip()
            and any(is_value(cell) for cell in row[2:])
        ):
            row[0] = above[0]
    return out


# a label that stops on one of these words goes on in the next line ("Employed caregiver
# in" / "household", "Correctly described purpose of" / "personal controller medicine")
_OPEN_END = re.compile(
    r"(?:\b(?:of|in|on|at|to|for|from|with|by|under|over|and|or|the|a|an)|[,\-\u2013/(])$",
    re.IGNORECASE,
)


# "in prior 2 months", "household": a lower-case word opens the line; "aIndependent
# t-test" (a footnote mark) and "d-BP (mmHg)" (a label of its own) are no such word
_LOWER_WORD = re.compile(r"[a-z]{2,}\b(?![-\u2013])")
# a footnote or a list of abbreviations is a sentence, not the end of a label
_MAX_CONTINUATION_WORDS = 6


def join_label_lines(rows: list[list[str]], header_rows: int) -> list[list[str]]:
    """Rows with a row label printed over two lines read as one row.

    A body row that holds only a label, under a row of values whose label it continues
    (a short line that starts with a lower-case word or "(", or the label above stops on
    "of", "in", a comma), is the label's next line: "Acute asthma-related PCP or ER
    visit" / "in prior 2 months". Left as a row, it would read as the heading of the rows
    below it."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        above = out[-1] if out and r > header_rows and len(out) > header_rows else None
        text = row[0].strip() if row else ""
        if (
            above is not None
            and text
            and not any(cell.strip() for cell in row[1:])
            and above[0].strip()
            and any(is_value(cell) for cell in above[1:])
            and len(text.split()) <= _MAX_CONTINUATION_WORDS
            and (_LOWER_WORD.match(text) or text[0] == "(" or _OPEN_END.search(above[0].strip()))
        ):
            out[-1] = [f"{above[0].strip()} {text}", *above[1:]]
            continue
        out.append(list(row))
    return out
