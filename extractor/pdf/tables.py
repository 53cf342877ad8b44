"""Tables on pages that announce a table caption: ruled grids (`ruled.py`, the cells of
PyMuPDF's `page.find_tables()`), and tables without rules (`borderless.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

import pymupdf

from extractor.pdf import ruled, table_chars
from extractor.pdf.borderless import borderless_rows
from extractor.pdf.captions import table_label
from extractor.pdf.layout import TEXT_FLAGS, Block, Line, PageLayout, prune
from extractor.pdf.table_header import count_header_rows
from extractor.pdf.text import clean_chars, join_lines

_WORD = re.compile(r"\w+")
# A detected grid must reproduce nearly all words of the lines it replaces; otherwise
# keeping the raw lines loses less.
_MIN_COVERAGE = 0.9
_MIN_RULE = 5.0  # points: shorter vertical strokes are glyph parts or ticks, not rules
_MIN_VERTICAL_EDGES = 3  # left, middle and right of two columns
# Switch for the benchmark's "before" figure: False keeps captions of unruled tables row-less.
BORDERLESS = True


@dataclass
class FoundTable:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    caption_line: Line | None = None  # first line of the caption paragraph
    # per row, per cell: the (first, last) column the cell covers (a spanning header)
    spans: list[list[tuple[int, int]]] = field(default_factory=list)


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
        drawings = pdf_page.get_cdrawings()
        if not has_vertical_edges(drawings):
            return []
        # the page's words, read once: the grids' characters and the cells' text
        words = page.words()
        grids = ruled_grids(pdf_page, drawings, words)
    except Exception:  # a malformed drawing list must not lose the page's text
        return []
    tables: list[FoundTable] = []
    for found in grids:
        found = _zebra_rows_split(found)
        grid = found.rows
        kept = [
            (row, span)
            for row, span in zip(
                _cell_texts(pdf_page, words, found), _ruled_spans(grid), strict=True
            )
            if any(row)
        ]
        rows = [row for row, _ in kept]
        if len(rows) < 2:
            continue
        bbox = tuple(found.bbox)
        spans = [s for _, s in kept]
        header = _header_above(page, bbox, grid, words) if count_header_rows(rows) == 0 else []
        if header:
            top = min(line.bbox[1] for line, _ in header) - 0.5
            bbox = (bbox[0], top, bbox[2], bbox[3])
            columns = len(rows[0])
            rows.insert(0, _header_cells(header, grid, columns))
            spans.insert(0, [(j, j) for j in range(columns)])
        inside = [
            line for block in page.blocks for line in block.lines if _centre_in(line.bbox, bbox)
        ]
        if not inside or _coverage(inside, rows) < _MIN_COVERAGE:
            continue
        table = FoundTable(page=page.number, bbox=bbox, rows=rows, spans=spans)
        table.caption_line = _nearest_caption(bbox, captions)
        _replace_lines(page, inside, table)
        tables.append(table)
    return tables


# A column header printed above the table's first rule (between the caption and the grid)
# is outside the box find_tables() returns: "Genoss DES (n=38) | Promus Element (n=39) | p"
# over a grid of outcomes. Role checks need it: it names the arms of every column.
_HEADER_GAP = 16.0  # points above the grid: one header line, two at most


def _header_above(
    page: PageLayout, bbox: tuple[float, ...], grid: list[list], words: list[tuple] | None
) -> list[tuple[Line, list[tuple]]]:
    """The lines just above a ruled grid that print its column headers (one cell per
    line, or a whole header row per line), each with its words; none when a caption, a
    paragraph or nothing stands there."""
    if not words or not grid:
        return []
    x0, top, x1, _ = bbox
    band = [
        line
        for block in page.blocks
        for line in block.lines
        if line.bbox[0] >= x0 - 2
        and line.bbox[2] <= x1 + 2
        and top - 2 * _HEADER_GAP <= line.bbox[3] <= top + 1
    ]
    captions = [line.bbox[3] for line in band if table_label(line.text)]
    if captions:  # only what stands between the caption and the grid
        band = [line for line in band if line.bbox[1] >= max(captions) - 1]
    if not band or top - max(line.bbox[3] for line in band) > _HEADER_GAP / 2:
        return []
    if any(len(line.text.split()) > 8 for line in band):
        return []  # a sentence, not a header cell
    out = []
    for line in band:
        inside = [w for w in words if _centre_in(tuple(w[:4]), line.bbox)]
        if inside:
            out.append((line, inside))
    # a header has cells in two columns at least: one line of prose is not one
    return out if len({_column_of(w, grid) for _, ws in out for w in ws}) >= 2 else []


def _column_of(word: tuple, grid: list[list]) -> int:
    """The grid column under a word's centre (the nearest column if none is)."""
    centre = (word[0] + word[2]) / 2
    best, best_gap = 0, float("inf")
    for row in grid:
        for j, cell in enumerate(row):
            if cell is None:
                continue
            gap = max(cell[0] - centre, centre - cell[2], 0.0)
            if gap < best_gap:
                best, best_gap = j, gap
    return best


def _header_cells(
    header: list[tuple[Line, list[tuple]]], grid: list[list], columns: int
) -> list[str]:
    cells: list[list[str]] = [[] for _ in range(columns)]
    for _line, line_words in sorted(header, key=lambda item: item[0].bbox[1]):
        for word in sorted(line_words, key=lambda w: w[0]):
            cells[min(_column_of(word, grid), columns - 1)].append(word[4])
    return [" ".join(cell) for cell in cells]


def ruled_grids(
    pdf_page: pymupdf.Page, drawings: list[dict], words: list[tuple] | None
) -> list[ruled.Grid]:
    """The ruled grids of a page: read from its drawings and words (`ruled.py`, the
    cells find_tables() gives, at a fraction of its cost), or by `find_tables()` itself
    where the words cannot stand in for its characters (no TextPage, a turned page
    whose boxes are not at the origin)."""
    page_box = tuple(pdf_page.rect)
    if words is not None and pdf_page.rotation == 0:
        chars = table_chars.word_chars(pdf_page, words)
        return ruled.read_grids(drawings, chars, page_box)
    if words is not None and _turns_in_place(pdf_page):
        # find_tables() turns such a page's content first, so that its cells come in the
        # coordinates of the page as shown: so do the drawings and words here (both are
        # read unturned), and the words' PDF coordinates are those of the turned page
        matrix = tuple(pdf_page.rotation_matrix)
        shown = ruled.turned_words(words, matrix)
        chars = table_chars.word_chars(pdf_page, shown, (1, 0, 0, -1, 0, page_box[3]))
        return ruled.read_grids(ruled.turned(drawings, matrix), chars, page_box)
    return [
        ruled.Grid(bbox=tuple(t.bbox), rows=[list(row.cells) for row in t.rows])
        for t in find_ruled(pdf_page, words).tables
    ]


def _turns_in_place(pdf_page: pymupdf.Page) -> bool:
    """A page turned by a quarter or half turn whose media and crop boxes are one box at
    the origin: turned upright, its coordinates are those of the page as shown."""
    return (
        pdf_page.rotation in (90, 180, 270)
        and tuple(pdf_page.mediabox) == tuple(pdf_page.cropbox)
        and tuple(pdf_page.mediabox)[:2] == (0.0, 0.0)
    )


def find_ruled(pdf_page: pymupdf.Page, words: list[tuple] | None):
    """`find_tables()` with line strategies, on the page's words where it can."""
    # plain ruling-line detection: the ONNX layout model costs ~0.6 s per page
    if not table_chars.available(pdf_page, words):
        with table_chars.own_chars():
            return pdf_page.find_tables(use_layout=False)
    with table_chars.words_as_chars(pdf_page, words):
        return pdf_page.find_tables(use_layout=False)


def has_vertical_edges(drawings: list[dict]) -> bool:
    """Whether the page's drawings (`get_cdrawings()`) hold the three vertical edges a
    table of two columns needs (find_tables() drops one-column tables): vertical lines,
    and the sides of rectangles and quads, taller than a glyph stroke. Pages without
    them hold no ruled table."""
    edges = 0
    for path in drawings:
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
                edges += abs(x0 - x1) < 1 and abs(y0 - y1) > _MIN_RULE
            elif kind == "qu" or (kind == "re" and item[1][3] - item[1][1] > _MIN_RULE):
                edges += 2
            if edges >= _MIN_VERTICAL_EDGES:
                return True
    return False


def borderless_tables(
    pdf_page: pymupdf.Page, page: PageLayout, ruled: list[FoundTable]
) -> list[FoundTable]:
    """Cells for the captions no ruled table claimed, read from word positions. Their lines
    stay in the page (the text is emitted as paragraphs); only the rows are new."""
    if not BORDERLESS:
        return []
    taken = {id(table.caption_line) for table in ruled}
    captions = [(b, line) for b, line in caption_lines(page) if id(line) not in taken]
    try:
        found = borderless_rows(pdf_page, page, captions)
    except Exception:  # odd word boxes must not lose the page's text
        return []
    return [
        FoundTable(page=page.number, bbox=bbox, rows=rows, caption_line=caption, spans=spans)
        for caption, bbox, rows, spans in found
    ]


def _zebra_rows_split(found: ruled.Grid) -> ruled.Grid:
    """A table shaded every other row (the shading draws the cells): an unshaded body row
    comes as one cell across the table, which would glue its label to its values
    ("Postop 1st mo 145 (113–220) - 0.847"). Such a row takes the columns of the rows
    drawn whole, when two at least are; a row naming a section ("Jitter %") then holds
    its text in the first column, as it did."""
    rows = found.rows
    width = found.bbox[2] - found.bbox[0]
    whole = [row for row in rows if len(row) >= 2 and all(row)]
    if len(whole) < 2:
        return found
    starts = [median(row[c][0] for row in whole) for c in range(len(whole[0]))]
    split = []
    for r, row in enumerate(rows):
        first = row[0] if row else None
        if (
            r > 0  # a title row over the whole table stays one cell
            and len(row) == len(starts)
            and first is not None
            and not any(row[1:])
            and first[2] - first[0] >= 0.9 * width
        ):
            x0, y0, x1, y1 = first
            edges = [x0, *starts[1:], x1]
            row = [(a, y0, b, y1) for a, b in pairwise(edges)]
        split.append(row)
    return ruled.Grid(bbox=found.bbox, rows=split)


def _ruled_spans(grid: list[list]) -> list[list[tuple[int, int]]]:
    """Columns each cell box covers: MuPDF gives a merged cell once (None in the slots it
    covers); a column's place is the median centre of its cells."""
    columns = max((len(row) for row in grid), default=0)
    centres: list[float | None] = []
    for c in range(columns):
        xs = [(row[c][0] + row[c][2]) / 2 for row in grid if c < len(row) and row[c]]
        centres.append(median(xs) if xs else None)
    spans = []
    for row in grid:
        covered = []
        for c, cell in enumerate(row):
            cols = [c]
            if cell:
                cols += [
                    k for k, x in enumerate(centres) if x is not None and cell[0] <= x <= cell[2]
                ]
            covered.append((min(cols), max(cols)))
        spans.append(covered)
    return spans


def _cell_texts(
    pdf_page: pymupdf.Page, page_words: list[tuple] | None, found: ruled.Grid
) -> list[list[str]]:
    """Cell texts from the page's words, each word placed by its centre.

    `Table.extract()` splits punctuation from digits on some PDFs ("58.2" -> "582 .")
    and `get_textbox` per cell is slow, so words are read once, from the page's
    TextPage when there is one (a clipped read would make another)."""
    if page_words is None:
        words = pdf_page.get_text("words", clip=found.bbox, flags=TEXT_FLAGS, sort=False)
    else:
        x0, y0, x1, y1 = found.bbox
        words = [
            w for w in page_words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1
        ]
    grid = found.rows
    # each row's vertical extent: a word is looked for only in the rows beside it
    extents = [
        (min(c[1] for c in cells if c), max(c[3] for c in cells if c)) if any(cells) else (1.0, 0.0)
        for cells in grid
    ]
    buckets: dict[tuple[int, int], list[tuple]] = {}
    for word in words:
        cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
        for r, cells in enumerate(grid):
            if not extents[r][0] <= cy <= extents[r][1]:
                continue
            hit = next(
                (
                    c
                    for c, cell in enumerate(cells)
                    if cell and cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]
                ),
                None,
            )
            if hit is not None:
                buckets.setdefault((r, hit), []).append(word)
                break
    rows = []
    for r, cells in enumerate(grid):
        row = []
        for c in range(len(cells)):
            lines: dict[tuple[int, int], list[str]] = {}
            for w in sorted(buckets.get((r, c), []), key=lambda w: (w[5], w[6], w[7])):
                lines.setdefault((w[5], w[6]), []).append(w[4])
            row.append(join_lines([clean_chars(" ".join(ws)) for ws in lines.values()]))
        rows.append(row)
    return rows


def _centre_in(box: tuple[float, ...], area: tuple[float, ...]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def _coverage(lines: list[Line], rows: list[list[str]]) -> float:
    wanted = [w for line in lines for w in _WORD.findall(line.text)]
    if not wanted:
        return 1.0
    have = set(_WORD.findall(linearise(rows)))
    return sum(1 for w in wanted if w in have) / len(wanted)


def _nearest_caption(bbox: tuple[float, ...], captions: list[tuple[Block, Line]]) -> Line | None:
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
