"""Reading order of a page's blocks: side columns, one, two or three columns, and the
bands that full-width blocks and full-width floats cut them into."""

from __future__ import annotations

import itertools
from collections import Counter

from extractor.pdf.captions import is_caption
from extractor.pdf.layout import Block, PageLayout, body_size

_ASIDE_GAP = 3.0  # points between a side column and the main text's edge
_ASIDE_REACH = 20.0  # a side box may start this far above the wide text (its label)
_COLUMN_LINES = 10  # body-print lines that make a column of a three-column page


def _asides(page: PageLayout) -> list[Block]:
    """Side columns beside a wide main text (PLOS, Frontiers, eLife article-information
    boxes, margin notes): text blocks wholly left or right of the edges of the page's wide
    lines. Pages without wide lines (two columns) have none."""
    wide = [
        line
        for block in page.blocks
        if block.kind == "text"
        for line in block.lines
        if line.bbox[2] - line.bbox[0] >= 0.5 * page.width
    ]
    if len(wide) < 3:
        return []
    left = Counter(round(line.bbox[0]) for line in wide).most_common(1)[0][0]
    right = max(line.bbox[2] for line in wide)
    top = min(line.bbox[1] for line in wide) - _ASIDE_REACH
    bottom = max(line.bbox[3] for line in wide) + _ASIDE_REACH
    return [
        block
        for block in page.blocks
        if block.kind == "text"
        and block.lines
        and (block.bbox[2] < left - _ASIDE_GAP or block.bbox[0] > right + _ASIDE_GAP)
        # beside the wide text, not below it (a heading opening two columns there)
        and block.bbox[1] >= top
        and block.bbox[3] <= bottom
    ]


def reading_order(page: PageLayout, body: float = 0.0) -> list[Block]:
    """Blocks in reading order for one- and two-column pages.

    Full-width blocks, and full-width floats set in smaller print (a table whose cells are
    blocks of their own), cut the page into horizontal bands; inside a band the left
    column is read before the right one. Side columns come after the page's main text,
    each block marked `aside`. `body` is the document's body text size (0: the page's).
    """
    mid = page.width / 2
    asides = _asides(page)
    for block in asides:
        block.aside = True
    aside_ids = {id(b) for b in asides}
    main = [b for b in page.blocks if id(b) not in aside_ids]
    tail = sorted(asides, key=lambda b: (b.bbox[0] > mid, b.bbox[1]))
    return _main_order(page, main, body or body_size([page])) + tail


def _main_order(page: PageLayout, main: list[Block], body: float) -> list[Block]:
    blocks = sorted(main, key=lambda b: (b.bbox[1], b.bbox[0]))
    gutters = _column_gutters(page, main, body)
    if len(gutters) >= 2:
        return _columns_order(blocks, gutters, page.width)
    mid = _gutter(page, main)

    def spans_both(block: Block) -> bool:
        x0, _, x1, _ = block.bbox
        return x0 < mid - 0.05 * page.width and x1 > mid + 0.05 * page.width

    two_column = sum(1 for b in blocks if not spans_both(b) and b.bbox[0] >= mid - 5) >= 2
    if not two_column:
        return blocks
    ordered: list[Block] = []
    band: list[Block] = []

    def flush() -> None:
        left = [b for b in band if (b.bbox[0] + b.bbox[2]) / 2 < mid]
        right = [b for b in band if (b.bbox[0] + b.bbox[2]) / 2 >= mid]
        ordered.extend(sorted(left, key=lambda b: b.bbox[1]))
        ordered.extend(sorted(right, key=lambda b: b.bbox[1]))
        band.clear()

    wide_floats = _wide_float_ids(blocks, mid, page.width, body)
    for block in blocks:
        if spans_both(block):
            flush()
            ordered.append(block)
        elif id(block) in wide_floats:
            if band and id(band[-1]) not in wide_floats:
                flush()
            band.append(block)
        else:
            if band and id(band[-1]) in wide_floats:
                flush()
            band.append(block)
    flush()
    return ordered


def _narrow_spans(page: PageLayout, blocks: list[Block]) -> list[tuple[float, float, Block]]:
    """(left, right, block) of the page's paragraphs: text blocks of two lines or more,
    narrower than 0.6 of the page, sorted by their left edge."""
    return sorted(
        (
            (b.bbox[0], b.bbox[2], b)
            for b in blocks
            if b.kind == "text"
            and not b.floating
            and len(b.lines) >= 2
            and b.bbox[2] - b.bbox[0] < 0.6 * page.width
        ),
        key=lambda s: (s[0], s[1]),
    )


def _column_gutters(page: PageLayout, blocks: list[Block], body: float) -> list[float]:
    """The blank strips between three or more columns of running text (each column at
    least `_COLUMN_LINES` lines in body print): a journal set in three columns. Fewer than
    two such strips: [] (one or two columns, read by `_main_order`'s own rule)."""
    columns: list[list[float]] = []  # [left, right, lines] of each run of overlapping spans
    for x0, x1, block in _narrow_spans(page, blocks):
        lines = sum(1 for line in block.lines if line.size >= body - 1.0)
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
            columns[-1][2] += lines
        else:
            columns.append([x0, x1, lines])
    columns = [c for c in columns if c[2] >= _COLUMN_LINES]
    if len(columns) < 3:
        return []
    return [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]


def _columns_order(blocks: list[Block], gutters: list[float], width: float) -> list[Block]:
    """Three or more columns: a block that crosses a gutter cuts the page into bands;
    inside a band each column is read top to bottom, left to right."""
    reach = 0.05 * width
    ordered: list[Block] = []
    band: list[Block] = []

    def flush() -> None:
        def column(block: Block) -> int:
            centre = (block.bbox[0] + block.bbox[2]) / 2
            return sum(1 for g in gutters if centre >= g)

        ordered.extend(sorted(band, key=lambda b: (column(b), b.bbox[1])))
        band.clear()

    for block in blocks:
        if any(block.bbox[0] < g - reach and block.bbox[2] > g + reach for g in gutters):
            flush()
            ordered.append(block)
        else:
            band.append(block)
    flush()
    return ordered


def _gutter(page: PageLayout, blocks: list[Block]) -> float:
    """Where the page's columns part: the middle of the blank strip between the
    paragraphs (text blocks of two lines or more, narrower than 0.6 of the page) that lies
    nearest the page's middle, within its middle 30%. Pages with mirrored margins set
    both columns off the middle ("176-359 | 373-557" on a 612 pt page): the page's
    middle would cut the left column. Without such a strip, the page's middle."""
    mid = page.width / 2
    spans = _narrow_spans(page, blocks)
    gaps: list[float] = []
    reach: float | None = None
    for x0, x1, _block in spans:
        if reach is not None and x0 > reach:
            gaps.append((reach + x0) / 2)
        reach = x1 if reach is None else max(reach, x1)
    near = [g for g in gaps if abs(g - mid) <= 0.15 * page.width]
    return min(near, key=lambda g: abs(g - mid)) if near else mid


def _wide_float_ids(blocks: list[Block], mid: float, width: float, body: float) -> set[int]:
    """Blocks of full-width floats. The page (blocks sorted by top) falls into stretches
    with a blank strip across the whole page between them; a run of stretches that hold
    only float print (tables, captions, text smaller than the body) is a full-width float
    when it reaches across the middle and the nearest block above and below it in each
    column is running text (or the page's edge). Such a table cuts the columns into bands
    like a full-width paragraph: the text above it runs from the left column into the
    right one before the text below starts. A column's table beside the other column's
    footnotes is no such float: its cells go on below the blank strip."""
    starts: list[int] = []  # index in `blocks` where each stretch starts
    bottom = float("-inf")
    for k, block in enumerate(blocks):  # sorted by top
        if block.bbox[1] > bottom or not starts:
            starts.append(k)
        bottom = max(bottom, block.bbox[3])
    bounds = list(zip(starts, [*starts[1:], len(blocks)], strict=True))
    floats = [all(_float_print(b, body) for b in blocks[i:j]) for i, j in bounds]
    out: set[int] = set()
    s = 0
    while s < len(bounds):
        if not floats[s]:
            s += 1
            continue
        e = s
        while e < len(bounds) and floats[e]:
            e += 1
        first, last = bounds[s][0], bounds[e - 1][1]  # the run is blocks[first:last]
        run = blocks[first:last]
        if (
            min(b.bbox[0] for b in run) < mid - 0.05 * width
            and max(b.bbox[2] for b in run) > mid + 0.05 * width
            and all(
                _text_next(near, mid, left, body)
                for near in (blocks[:first][::-1], blocks[last:])
                for left in (True, False)
            )
        ):
            out.update(id(b) for b in run)
        s = e
    return out


def _text_next(blocks: list[Block], mid: float, left: bool, body: float) -> bool:
    """The first of `blocks` in the left (right) column is running text, or there is none."""
    for block in blocks:
        if ((block.bbox[0] + block.bbox[2]) / 2 < mid) == left:
            return not _float_print(block, body)
    return True


def _float_print(block: Block, body: float) -> bool:
    """A table, a float's text, a caption, or lines all set smaller than the body."""
    if block.kind != "text" or block.floating:
        return True
    if not block.lines:
        return False
    if is_caption(block.lines[0].text):
        return True
    return all(line.size < body - 0.8 for line in block.lines)
