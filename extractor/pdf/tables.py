"""Tables via PyMuPDF's `page.find_tables()`, only on pages that announce a table caption."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pymupdf

from extractor.pdf.captions import table_label
from extractor.pdf.layout import TEXT_FLAGS, Block, Line, PageLayout, prune
from extractor.pdf.text import clean_chars, join_lines

_WORD = re.compile(r"\w+")
# A detected grid must reproduce nearly all words of the lines it replaces; otherwise
# keeping the raw lines loses less.
_MIN_COVERAGE = 0.9


@dataclass
class FoundTable:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    caption_line: Line | None = None  # first line of the caption paragraph


def linearise(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(cell for cell in row) for row in rows)


def caption_lines(page: PageLayout) -> list[tuple[Block, Line]]:
    found = []
    for block in page.blocks:
        if block.lines and table_label(block.lines[0].text):
            found.append((block, block.lines[0]))
    return found


def extract_tables(pdf_page: pymupdf.Page, page: PageLayout) -> list[FoundTable]:
    """Find ruled tables on a page with a table caption and replace their lines by a
    single table block (so the table's text is emitted once, linearised)."""
    captions = caption_lines(page)
    if not captions:
        return []
    try:
        # plain ruling-line detection: the ONNX layout model costs ~0.6 s per page
        finder = pdf_page.find_tables(use_layout=False)
    except Exception:  # a malformed drawing list must not lose the page's text
        return []
    tables: list[FoundTable] = []
    # Cell text via the page's own text layer: `Table.extract()` splits punctuation from
    # digits on some PDFs ("58.2" -> "582 .").
    textpage = pdf_page.get_textpage(flags=TEXT_FLAGS) if finder.tables else None
    for found in finder.tables:
        rows = [
            [
                _cell_text(pdf_page.get_textbox(cell, textpage=textpage)) if cell else ""
                for cell in row.cells
            ]
            for row in found.rows
        ]
        rows = [row for row in rows if any(row)]
        if len(rows) < 2:
            continue
        bbox = tuple(found.bbox)
        inside = [
            line for block in page.blocks for line in block.lines if _centre_in(line.bbox, bbox)
        ]
        if not inside or _coverage(inside, rows) < _MIN_COVERAGE:
            continue
        table = FoundTable(page=page.number, bbox=bbox, rows=rows)
        table.caption_line = _nearest_caption(bbox, captions)
        _replace_lines(page, inside, table)
        tables.append(table)
    return tables


def _cell_text(text: str) -> str:
    return join_lines(clean_chars(text).splitlines())


def _centre_in(box: tuple[float, ...], area: tuple[float, ...]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def _coverage(lines: list[Line], rows: list[list[str]]) -> float:
    wanted = [w for line in lines for w in _WORD.findall(line.text)]
    if not wanted:
        return 1.0
    have = set(_WORD.findall(linearise(rows)))
    return sum(1 for w in wanted if w in have) / len(wanted)


def _nearest_caption(
    bbox: tuple[float, ...], captions: list[tuple[Block, Line]]
) -> Line | None:
    best: tuple[float, Line] | None = None
    for block, line in captions:
        above = bbox[1] - block.bbox[3]
        below = block.bbox[1] - bbox[3]
        # captions sit above tables by convention; one below is a weaker match
        distance = above if above >= -2 else (below * 2 if below >= -2 else None)
        if distance is None:
            continue
        if best is None or distance < best[0]:
            best = (distance, line)
    return best[1] if best else None


def _replace_lines(page: PageLayout, lines: list[Line], table: FoundTable) -> None:
    gone = {id(line) for line in lines}
    for block in page.blocks:
        block.lines = [line for line in block.lines if id(line) not in gone]
    prune(page)
    page.blocks.append(Block(page=page.number, bbox=table.bbox, kind="table", table=table))
