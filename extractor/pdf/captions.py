"""Table and figure captions: "Table 2. Outcomes at 12 weeks", "Fig. 3 Flow of patients"."""

from __future__ import annotations

import re

# "Table 2", "TABLE II", "Table-I" (the hyphen of some journals' style). After the label
# comes punctuation, the end of the line or a capitalised word, which
# tells a caption ("Table 1 Baseline data") from a sentence ("Table 1 shows ...").
_TABLE = re.compile(
    r"^(?:Table|TABLE)(?:\s*|-)([0-9]+|[IVX]+)[a-z]?(?:\s*[.:|\u2013\u2014-]|\s*$|\s+[A-Z(])"
)
_FIGURE = re.compile(
    r"^(?:Figure|FIGURE|Fig\.|FIG\.|Fig)(?:\s*|-)([0-9]+|[IVX]+)[a-z]?(?:\s*[.:|\u2013\u2014-]|\s*$|\s+[A-Z(])"
)


def table_label(text: str) -> str | None:
    match = _TABLE.match(text.strip())
    return match.group(1) if match else None


def figure_label(text: str) -> str | None:
    match = _FIGURE.match(text.strip())
    return match.group(1) if match else None


def is_caption(text: str) -> bool:
    # both labels open with "T" or "F" (after spaces): most lines are told apart by that
    head = text.lstrip()[:1]
    if head != "T" and head != "F":
        return False
    return table_label(text) is not None or figure_label(text) is not None
