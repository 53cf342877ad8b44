"""Ruled grids: `extractor.pdf.ruled.read_grids` against PyMuPDF's `page.find_tables()`
cell by cell, on every corpus page where the parser looks for a ruled table (a table
caption, three vertical edges or more), with the seconds of each.

    .venv/bin/python bench/parse_ruled.py

Both read the page's words as characters, as the parser gave them to find_tables(), but
on turned pages, where find_tables() read its own characters (`tables.find_ruled`).
A grid counts as the same when it has the same bbox and the same cells (rows, columns,
empty slots) to 0.01 pt.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pymupdf
from parse_jats import dev_pairs, rct_pairs

from extractor.pdf import ruled
from extractor.pdf.layout import TEXT_FLAGS, read_page
from extractor.pdf.tables import caption_lines, find_ruled, has_vertical_edges, ruled_grids

_TOLERANCE = 0.01


def _same_box(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(abs(x - y) <= _TOLERANCE for x, y in zip(a, b, strict=True))


def _same(grids: list[ruled.Grid], finder) -> bool:
    tables = finder.tables
    if len(grids) != len(tables):
        return False
    for grid, table in zip(grids, tables, strict=True):
        rows = [list(row.cells) for row in table.rows]
        if not _same_box(grid.bbox, table.bbox) or len(rows) != len(grid.rows):
            return False
        for mine, theirs in zip(grid.rows, rows, strict=True):
            if len(mine) != len(theirs) or not all(map(_same_box, mine, theirs)):
                return False
    return True


def main() -> None:
    pdfs = list(dict.fromkeys(p for p, _ in rct_pairs() + dev_pairs("tuning") + dev_pairs("test")))
    if not pdfs:
        print("corpus not found; nothing to measure")
        return
    pages = same = tables = cells = 0
    mine_seconds = theirs_seconds = 0.0
    differ = []
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            for number, page in enumerate(doc, start=1):
                layout = read_page(page, number)
                if not caption_lines(layout):
                    continue
                drawings = page.get_cdrawings()
                if not has_vertical_edges(drawings):
                    continue
                words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
                start = time.process_time()
                grids = ruled_grids(page, drawings, words)
                mine_seconds += time.process_time() - start
                start = time.process_time()
                finder = find_ruled(page, words)  # turned pages: with its own characters
                theirs_seconds += time.process_time() - start
                pages += 1
                tables += len(finder.tables)
                cells += sum(len(t.cells) for t in finder.tables)
                if _same(grids, finder):
                    same += 1
                else:
                    differ.append(
                        f"{pdf.name} p{number}: {len(grids)} grids, {len(finder.tables)} tables"
                    )
    print(
        f"{pages} pages with a caption and vertical rules; "
        f"find_tables(): {tables} tables, {cells} cells"
    )
    print(f"same grids on {same} of {pages} pages")
    for line in differ:
        print(f"  differ: {line}")
    print(f"CPU seconds: read_grids {mine_seconds:.2f}, find_tables() {theirs_seconds:.2f}")


if __name__ == "__main__":
    main()
