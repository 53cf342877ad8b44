"""Split the reference list into one entry per reference."""

from __future__ import annotations

import re

from extractor.pdf.layout import Line
from extractor.pdf.text import join_lines

_NUMBERED = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)]?)\s+(?=\S)")
# "References", "7. References", "& REFERENCES" (a journal's bullet glyph before it)
REFERENCE_HEADING = re.compile(
    r"^(?:[^\w\s]\s*)?(\d+\.?\s*)?"
    r"(references?|bibliography|literature cited|works cited|reference list)\s*$",
    re.IGNORECASE,
)


def split_references(lines: list[Line]) -> list[tuple[int | None, str]]:
    """(index, text) per entry. Numbered lists split at each next number; otherwise a
    new entry starts at a line that sits left of the hanging indent of its column."""
    if not lines:
        return []
    if _numbered_share(lines) >= 0.5:
        return _split_numbered(lines)
    return _split_by_indent(lines)


def _numbered_share(lines: list[Line]) -> float:
    starts = [ln for ln in lines if _NUMBERED.match(ln.text)]
    return len(starts) / max(1, min(len(lines), 1 + len(lines) // 2))


def _split_numbered(lines: list[Line]) -> list[tuple[int | None, str]]:
    entries: list[tuple[int | None, list[str]]] = []
    expected = None
    for line in lines:
        match = _NUMBERED.match(line.text)
        number = int(match.group(1) or match.group(2)) if match else None
        # only the next number in sequence opens an entry (years or volumes at a line
        # start must not split one)
        if number is not None and (expected is None or number == expected):
            entries.append((number, [line.text[match.end() :]]))
            expected = number + 1
        elif entries:
            entries[-1][1].append(line.text)
        else:
            entries.append((None, [line.text]))
    return [(index, join_lines(texts)) for index, texts in entries]


def _split_by_indent(lines: list[Line]) -> list[tuple[int | None, str]]:
    entries: list[list[str]] = []
    column_left: dict[tuple[int, int], float] = {}
    for line in lines:
        key = (line.page, int(line.bbox[0] // 150))
        column_left[key] = min(column_left.get(key, 1e9), line.bbox[0])
    for line in lines:
        left = column_left[(line.page, int(line.bbox[0] // 150))]
        hanging = line.bbox[0] > left + 3
        if not entries or not hanging:
            entries.append([line.text])
        else:
            entries[-1].append(line.text)
    texts = [join_lines(e) for e in entries]
    return [(None, t) for t in texts if t]
