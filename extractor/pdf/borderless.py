"""Cells of tables without ruling lines, from word positions below a "Table N" caption.

The table's text already sits in the reading order as ordinary lines; this only reads the
same words again as a grid, so `Table.rows` can be filled without touching `Document.text`.
Rows are lines of words; columns are the x-ranges that the typical data row occupies.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import TypeVar

import pymupdf

from extractor.pdf.captions import is_caption
from extractor.pdf.layout import TEXT_FLAGS, Block, Line, PageLayout, union_box
from extractor.pdf.table_header import is_value
from extractor.pdf.text import clean_chars

_T = TypeVar("_T")

Word = tuple[float, float, float, float, str]

_MAX_LEAD_GAP = 40.0  # points between caption and first table line; further means no table
_GUTTER = 10.0  # tolerance around the page middle for column bands
_PROSE_WORDS = 8  # a line of this many words with no cell gap ...
_PROSE_WIDTH = 0.3  # ... and at least this share of the page width reads as running text
_HEADING_STEP = 0.5  # points of font size above every table line that end the table
_CELL_GAP_EM = 0.6  # a gap wider than this share of the word height separates two cells
_SIDE_CAPTION_RIGHT = 0.4  # a caption beside its table ends in the page's left two fifths
_SIDE_GAP = 0.15  # ... and its table's first column within this share of the page width
_SIDE_RISE = 4.0  # points a table's first line may stand above its side caption's top


Spans = list[list[tuple[int, int]]]


def borderless_rows(
    pdf_page: pymupdf.Page, page: PageLayout, captions: list[tuple[Block, Line]]
) -> list[tuple[Line, tuple[float, float, float, float], list[list[str]], Spans]]:
    """(caption line, table bbox, rows, column spans of each cell) for each caption whose
    table body below it can be read as a grid of at least two rows and two columns."""
    if not captions:
        return []
    lines = [line for block in page.blocks for line in block.lines]
    words = _LineWords(pdf_page, page)
    body_size = _body_size(lines)
    found = []
    for block, caption in captions:
        if _turned(caption):
            turned = _turned_table(page, block, words)
            if turned is not None:
                found.append((caption, *turned))
            continue
        body = _body_lines(page, lines, block, words, body_size)
        if len(body) < 2:
            continue
        rows, spans = _grid(
            [
                sorted((w for ln in group for w in words.of(ln)), key=lambda w: w[0])
                for group in _rows_of(body)
            ]
        )
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            found.append((caption, union_box([ln.bbox for ln in body]), rows, spans))
    return found


def _turned(line: Line) -> bool:
    """A caption set sideways (a landscape table on an upright page)."""
    return line.sideways != 0


def _turned_table(
    page: PageLayout, caption: Block, words: _LineWords
) -> tuple[tuple[float, float, float, float], list[list[str]], Spans] | None:
    """A table set sideways, read as it reads when the page is turned: its words (those of
    the lines that run the caption's way, below it as the table reads) turned upright,
    then rows and columns as for an upright table. The bbox is in the page's own
    coordinates."""
    way = caption.lines[0].sideways
    up = way < 0  # read bottom to top: the page turned a quarter clockwise
    height, width = page.height, page.width

    def turn(box: tuple[float, ...]) -> tuple[float, float, float, float]:
        a, b, c, d = box[:4]
        return (height - d, a, height - b, c) if up else (b, width - c, d, width - a)

    caption_bottom = turn(caption.bbox)[3]
    own = {id(line) for line in caption.lines}
    kept = {
        word
        for block in page.blocks
        for line in block.lines
        if line.sideways == way and id(line) not in own
        for word in words.of(line)
        if turn(word)[1] >= caption_bottom - 1
    }
    if not kept:
        return None
    rows, spans = _grid(_word_rows([(*turn(w), w[4]) for w in kept]))
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    return union_box(list(kept)), rows, spans


def _word_rows(words: list[Word]) -> list[list[Word]]:
    """Words side by side form one row, left to right."""
    rows = _side_by_side(words, lambda w: (w[1], w[3]))
    return [sorted(row, key=lambda w: w[0]) for row in rows]


def _side_by_side(items: list[_T], span: Callable[[_T], tuple[float, float]]) -> list[list[_T]]:
    """Items side by side (their heights, `span` = (top, bottom), overlapping by half)
    form one row; rows top to bottom."""
    rows: list[list[_T]] = []
    top = bottom = 0.0
    for item, (y0, y1) in sorted(
        ((item, span(item)) for item in items), key=lambda pair: pair[1][0] + pair[1][1]
    ):
        overlap = min(bottom, y1) - max(top, y0)
        if rows and overlap >= 0.5 * min(bottom - top, y1 - y0):
            rows[-1].append(item)
            top, bottom = min(top, y0), max(bottom, y1)
        else:
            rows.append([item])
            top, bottom = y0, y1
    return rows


def _band(page: PageLayout, lines: list[Line], caption: Block) -> tuple[float, float]:
    """The x-range the table may use: its column, or the whole page when nothing prose-like
    stands in the other column beside the table's first lines."""
    mid = page.width / 2
    x0, _y0, x1, y1 = caption.bbox
    if x0 < mid - _GUTTER and x1 > mid + _GUTTER:
        return 0.0, page.width
    left = x1 <= mid + _GUTTER
    other = [
        ln
        for ln in lines
        if y1 <= ln.bbox[1] <= y1 + 60
        and (ln.bbox[0] >= mid - _GUTTER if left else ln.bbox[2] <= mid + _GUTTER)
        and ln.bbox[2] - ln.bbox[0] >= 0.35 * page.width
    ]
    if not other:
        return 0.0, page.width
    return (0.0, mid + _GUTTER) if left else (mid - _GUTTER, page.width)


def _beside_its_table(page: PageLayout, lines: list[Line], caption: Block) -> bool:
    """A caption set in the left margin beside its table (Springer's layout): a narrow
    block whose right holds lines from its top down, with nothing under it where a table
    below it would start. The table's header and first rows stand beside the caption,
    above its last line, so reading only below the caption would lose them."""
    x0, y0, x1, y1 = caption.bbox
    if x1 > _SIDE_CAPTION_RIGHT * page.width:
        return False
    own = {id(ln) for ln in caption.lines}
    beside = [
        ln
        for ln in lines
        if id(ln) not in own and ln.bbox[0] >= x1 - 1 and y0 - _SIDE_RISE <= ln.bbox[1] <= y1
    ]
    near = any(ln.bbox[0] - x1 <= _SIDE_GAP * page.width for ln in beside)
    under = any(
        id(ln) not in own
        and ln.bbox[0] < x1
        and ln.bbox[2] > x0
        and y1 - 1 <= ln.bbox[1] <= y1 + _MAX_LEAD_GAP
        for ln in lines
    )
    return len(beside) >= 2 and near and not under


def _body_lines(
    page: PageLayout,
    lines: list[Line],
    caption: Block,
    words: _LineWords,
    body_size: float,
) -> list[Line]:
    """The lines under the caption (or, for a caption set beside its table, to its right
    from its top) down to the first caption, wide gap or prose."""
    own = {id(ln) for ln in caption.lines}
    if _beside_its_table(page, lines, caption):
        lo, hi = caption.bbox[2], page.width
        top = caption.bbox[1] - _SIDE_RISE
    else:
        lo, hi = _band(page, lines, caption)
        top = caption.bbox[3]
    below = sorted(
        (
            ln
            for ln in lines
            if ln.bbox[1] >= top - 1
            and ln.bbox[0] >= lo - 1
            and ln.bbox[2] <= hi + 1
            and id(ln) not in own
        ),
        key=lambda ln: (ln.bbox[1], ln.bbox[0]),
    )
    body: list[Line] = []
    bottom = top
    prose_run = 0
    largest = 0.0
    for line in below:
        height = line.bbox[3] - line.bbox[1]
        gap = line.bbox[1] - bottom
        if is_caption(line.text):
            break
        if not body and gap > _MAX_LEAD_GAP:
            break
        if len(body) >= 2 and gap > max(18.0, 2.5 * height):
            break
        size = line.size
        if (
            len(body) >= 2
            and size > largest + _HEADING_STEP
            and size >= body_size - 0.1
            and sum(c.isalpha() for c in line.text) >= 3  # not a lone symbol like "+"
        ):
            break  # a font larger than the table's, as large as the text: the paper goes on
        prose = _is_prose(words.of(line), page.width)
        prose_run = prose_run + 1 if prose else 0
        if prose_run >= 2:
            body = body[:-1]  # the first prose line belongs to the text after the table
            break
        body.append(line)
        bottom = max(bottom, line.bbox[3])
        largest = max(largest, size)
    return body


def _body_size(lines: list[Line]) -> float:
    """The font size of most characters on the page: its running text."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _rows_of(lines: list[Line]) -> list[list[Line]]:
    """Lines side by side (cells of one row are often separate lines) form one row."""
    return _side_by_side(lines, lambda ln: (ln.bbox[1], ln.bbox[3]))


class _LineWords:
    """Each line's words left to right (each word placed by its centre), found when a
    line is first asked for: only the lines under a caption are. From the page's text as
    read for the layout when given (same flags, read once)."""

    def __init__(self, pdf_page: pymupdf.Page, page: PageLayout) -> None:
        raw = page.words()
        if raw is None:
            raw = pdf_page.get_text("words", flags=TEXT_FLAGS, sort=False)
        # sorted by centre through a list of centres (no key call per word; a stable sort,
        # so words of equal centres keep their order as sorting the words by it would)
        centres = [(w[1] + w[3]) / 2 for w in raw]
        order = sorted(range(len(centres)), key=centres.__getitem__)
        self._words = [
            (w[0], w[1], w[2], w[3], clean_chars(w[4])) for w in map(raw.__getitem__, order)
        ]
        self._centres = [centres[k] for k in order]
        self._found: dict[int, list[Word]] = {}

    def of(self, line: Line) -> list[Word]:
        found = self._found.get(id(line))
        if found is None:
            x0, y0, x1, y1 = line.bbox
            lo = bisect_left(self._centres, y0 - 1)
            hi = bisect_right(self._centres, y1 + 1)
            found = self._found[id(line)] = sorted(
                (w for w in self._words[lo:hi] if x0 - 1 <= (w[0] + w[2]) / 2 <= x1 + 1),
                key=lambda w: w[0],
            )
        return found


def _is_prose(words: list[Word], page_width: float) -> bool:
    """A line of running text: many words without a cell gap, over a good part of a column."""
    segments = _segments(words)
    return (
        len(segments) == 1
        and len(segments[0]) >= _PROSE_WORDS
        and words[-1][2] - words[0][0] >= _PROSE_WIDTH * page_width
    )


def _segments(words: list[Word]) -> list[list[Word]]:
    """Runs of words separated by gaps wider than a space: candidate cells."""
    if not words:
        return []
    runs = [[words[0]]]
    for word in words[1:]:
        prev = runs[-1][-1]
        height = min(prev[3] - prev[1], word[3] - word[1])
        if word[0] - prev[2] > _CELL_GAP_EM * height:
            runs.append([word])
        else:
            runs[-1].append(word)
    return runs


def _text(seg: list[Word]) -> str:
    return " ".join(w[4] for w in seg)


def _merged(spans: list[tuple[float, float]]) -> list[list[float]]:
    """Overlapping x-ranges (sorted by start) joined: one per column."""
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return columns


def _with_stub_columns(
    columns: list[list[float]], wider: list[list[list[Word]]]
) -> list[list[float]]:
    """The columns, and a column for the cells that only the rows wider than the typical
    row print where no column is, in two rows at least:
    - left of every column: the outcome named once beside its first timepoint
      ("MMSE-J | 12", then "| 24", "| 28") heads its own column rather than being glued
      to the timepoint's;
    - between two columns: a column that the typical rows leave empty ("Baseline" in a
      table whose change rows "(Δ)" print only the later weeks) is a column of its own,
      not a part of the label's."""
    outside = [
        (seg[0][0], seg[-1][2], r)
        for r, row in enumerate(wider)
        for seg in row
        if not any(seg[0][0] < x1 and seg[-1][2] > x0 for x0, x1 in columns)
    ]
    extra = []
    for x0, x1 in _merged(sorted((a, b) for a, b, _ in outside)):
        if len({r for a, b, r in outside if x0 <= a and b <= x1}) >= 2:
            extra.append([x0, x1])
    return sorted(columns + extra) if extra else columns


def _headings_only(row: list[list[Word]]) -> bool:
    return not any(is_value(_text(seg)) for seg in row)


def _reached(seg: list[Word], columns: list[list[float]], bounds: list[float]) -> list[int]:
    """The columns a heading reaches into when it stands centred over their gutter: its
    middle in no column, its ends in two or more ("Baseline" over "Control" and
    "Intervention"); none otherwise (a wide heading of one column may reach into the next)."""
    x0, x1 = seg[0][0], seg[-1][2]
    centre = (x0 + x1) / 2
    nearest = columns[bisect_left(bounds, centre)]  # the column whose share holds it
    if nearest[0] <= centre <= nearest[1]:
        return []
    over = [k for k, (a, b) in enumerate(columns) if x0 < b and x1 > a]
    return over if len(over) >= 2 else []


def _centred_groups(
    placed: list[tuple[int, float, float]],
    columns: list[list[float]],
    cells: list[list[str]],
    covered: list[tuple[int, int]],
) -> None:
    """Headings centred over groups of columns ("Intervention" over "Baseline", "12 m",
    "24 m" and "P-value", then "Control" over four more): each column with nothing above
    it goes to the nearest heading when that heading is centred. A heading that starts
    where a column starts is set flush left: the columns after it are its own, which
    `table_header.spread_header` reads without geometry."""
    heads = [(col, x0, x1) for col, x0, x1 in placed if col >= 1]
    taken = {k for col, _x0, _x1 in heads for k in range(covered[col][0], covered[col][1] + 1)}
    for k in range(1, len(columns)):
        if cells[k] or k in taken:
            continue
        centre = (columns[k][0] + columns[k][1]) / 2
        col, x0, _x1 = min(heads, key=lambda h: max(h[1] - centre, centre - h[2], 0.0))
        if any(abs(x0 - a) <= 2 for a, _b in columns):
            continue  # flush left
        covered[col] = (min(covered[col][0], k), max(covered[col][1], k))


def _grid(line_words: list[list[Word]]) -> tuple[list[list[str]], Spans]:
    """Cell texts: one row per line group, columns from the rows of the typical shape;
    and per cell the columns its words stretch over (a header over two columns)."""
    rows = [_segments(words) for words in line_words if words]
    counts = Counter(len(r) for r in rows if len(r) >= 2)
    if not counts:
        return [], []
    # the most frequent segment count (the larger on ties) is the data rows' shape
    typical = max(counts, key=lambda k: (counts[k], k))
    columns = _merged(
        sorted((seg[0][0], seg[-1][2]) for row in rows if len(row) == typical for seg in row)
    )
    columns = _with_stub_columns(columns, [row for row in rows if len(row) > typical])
    bounds = [(a[1] + b[0]) / 2 for a, b in pairwise(columns)]
    grid = []
    spans: Spans = []
    for row in rows:
        cells: list[list[str]] = [[] for _ in columns]
        covered = [(c, c) for c in range(len(columns))]
        # a row of headings has no value; asked only where a heading rule could apply
        heading: bool | None = None
        placed: list[tuple[int, float, float]] = []  # (column, x0, x1) of each heading
        for seg in row:
            # a whole segment goes to one column (spanning labels stay in one piece): the
            # column where it starts, or for a lone word ("12.5") where its centre is
            anchor = seg[0][0] if len(seg) > 1 else (seg[0][0] + seg[0][2]) / 2
            col = bisect_left(bounds, anchor)
            starts = {bisect_left(bounds, w[0]) for w in seg}
            if len(starts) > 1 and len(starts) == len(seg):
                # one word per column, set closer than a cell gap ("n Median Min."): the
                # words are separate headers, each in the column where it starts
                for w in seg:
                    cells[bisect_left(bounds, w[0])].append(w[4])
                continue
            # a label over several columns ("Intervention" over "Mean" and "SD"): the
            # further columns whose middle it covers
            last = max(
                [col]
                + [
                    k
                    for k, (x0, x1) in enumerate(columns)
                    if seg[0][0] <= (x0 + x1) / 2 <= seg[-1][2]
                ]
            )
            over = _reached(seg, columns, bounds)
            if len(over) >= 2 and heading is None:
                heading = _headings_only(row)
            if len(over) >= 2 and heading:
                # a heading centred over two columns ("Baseline" over "Control" and
                # "Intervention") covers neither's middle: it heads both, from the first
                col, last = over[0], max(last, over[-1])
            cells[col].extend(w[4] for w in seg)
            covered[col] = (col, max(covered[col][1], last))
            placed.append((col, seg[0][0], seg[-1][2]))
        heads = sum(1 for col, _x0, _x1 in placed if col >= 1)
        # a heading over about every column: a row of sub-headers, not of groups
        if (
            heads >= 2
            and 3 * heads <= len(columns) - 1
            and (heading if heading is not None else _headings_only(row))
        ):
            _centred_groups(placed, columns, cells, covered)
        grid.append([" ".join(c) for c in cells])
        spans.append(covered)
    return grid, spans
