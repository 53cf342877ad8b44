"""Page geometry: text lines with their fonts, running headers/footers, reading order.

Plain PyMuPDF (`page.get_text("dict")`) is fast and carries everything the later
steps need: font sizes and bold flags for headings, boxes for columns and tables.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import pymupdf

from extractor.pdf.captions import is_caption
from extractor.pdf.text import SOFT_HYPHEN, clean_chars, compose_accents, font_chars

# Expand ligatures (no TEXT_PRESERVE_LIGATURES), keep only what is on the page.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_BOLD_FLAG = 16
_ITALIC_FLAG = 2
_MARGIN_SHARE = 0.12  # top/bottom band where running headers and page numbers live
_ASIDE_GAP = 3.0  # points between a side column and the main text's edge
_ASIDE_REACH = 20.0  # a side box may start this far above the wide text (its label)
_COLUMN_LINES = 10  # body-print lines that make a column of a three-column page


@dataclass
class Span:
    text: str
    size: float
    bold: bool
    italic: bool
    font: str


@dataclass
class Line:
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    spans: list[Span]
    text: str = ""
    # the line ends in a soft hyphen (U+00AD): the word goes on in the next line
    soft_hyphen: bool = False

    def __post_init__(self) -> None:
        if not self.text:
            # accents are put on their letters here: TeX sets them in their own spans
            self.text = compose_accents("".join(s.text for s in self.spans).strip())

    @property
    def flow_text(self) -> str:
        """The text as joined into paragraphs: a soft hyphen at the end is kept as a
        marker for `join_lines_at` (it joins the word without a space)."""
        return self.text + SOFT_HYPHEN if self.soft_hyphen else self.text

    # cached: lines never change after reading, and these are asked for many times
    @cached_property
    def size(self) -> float:
        """The font size that covers most characters of the line."""
        if len(self.spans) == 1:  # most lines: no weighing (and no Counter) needed
            return round(self.spans[0].size, 1)
        weights: Counter[float] = Counter()
        for span in self.spans:
            weights[round(span.size, 1)] += len(span.text.strip())
        return weights.most_common(1)[0][0] if weights else 0.0

    @cached_property
    def bold(self) -> bool:
        letters = [s for s in self.spans if s.text.strip()]
        return bool(letters) and all(s.bold for s in letters)

    @cached_property
    def font(self) -> str:
        """The font that covers most characters of the line."""
        weights: Counter[str] = Counter()
        for span in self.spans:
            weights[span.font] += len(span.text.strip())
        return weights.most_common(1)[0][0] if weights else ""

    @cached_property
    def italic(self) -> bool:
        letters = [s for s in self.spans if s.text.strip()]
        return bool(letters) and all(s.italic for s in letters)


@dataclass
class Block:
    page: int
    bbox: tuple[float, float, float, float]
    lines: list[Line] = field(default_factory=list)
    kind: str = "text"  # text | table
    table: object | None = None  # the FoundTable of a table block
    aside: bool = False  # a side column (article-information box) beside the main text
    floating: bool = False  # text of a float (a table without rules), not running text


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    blocks: list[Block]
    has_images: bool = False
    # MuPDF's text of the page, made once and reused for word positions (tables)
    textpage: pymupdf.TextPage | None = None


def _is_bold(span: dict) -> bool:
    font = span["font"].lower()
    return (
        bool(span["flags"] & _BOLD_FLAG)
        or any(key in font for key in ("bold", "black", "heavy", "semibold", ",b", "-b", "demi"))
        or font.endswith((".b", ".bi", "-bd"))
    )


def _is_italic(span: dict) -> bool:
    font = span["font"].lower()
    return (
        bool(span["flags"] & _ITALIC_FLAG)
        or "italic" in font
        or "oblique" in font
        or font.endswith((".i", ".bi"))
    )


def read_page(page: pymupdf.Page, number: int) -> PageLayout:
    textpage = page.get_textpage(flags=TEXT_FLAGS)
    data = page.get_text("dict", textpage=textpage)
    width, height = page.rect.width, page.rect.height
    blocks: list[Block] = []
    # a page has hundreds of spans in a handful of styles: bold/italic once per style
    styles: dict[tuple[str, int], tuple[bool, bool]] = {}
    for raw in data["blocks"]:
        if raw.get("type", 0) != 0:
            continue
        lines: list[Line] = []
        for raw_line in raw["lines"]:
            _dx, dy = raw_line["dir"]
            if abs(dy) > 0.2 and _in_side_margin(raw_line["bbox"], width):
                continue  # rotated marginal notes ("Downloaded from ...", arXiv stamps)
            spans = []
            for s in raw_line["spans"]:
                if not s["text"]:
                    continue
                key = (s["font"], s["flags"])
                style = styles.get(key)
                if style is None:
                    style = styles[key] = (_is_bold(s), _is_italic(s))
                spans.append(
                    Span(
                        text=clean_chars(font_chars(s["text"], s["font"])),
                        size=s["size"],
                        bold=style[0],
                        italic=style[1],
                        font=s["font"],
                    )
                )
            raw_text = "".join(s["text"] for s in raw_line["spans"]).rstrip()
            line = Line(
                page=number,
                bbox=tuple(raw_line["bbox"]),
                spans=spans,
                soft_hyphen=raw_text.endswith(SOFT_HYPHEN),
            )
            if line.text:
                lines.append(line)
        if lines:
            blocks.extend(_split_block(number, _merge_baseline(lines)))
    has_images = bool(page.get_images(full=False))
    return PageLayout(number, width, height, blocks, has_images, textpage)


def _merge_baseline(lines: list[Line]) -> list[Line]:
    """Join line pieces that share a baseline: some producers emit each word of a
    justified line as its own line, which would otherwise be split apart and reordered."""
    merged: list[Line] = [lines[0]]
    for line in lines[1:]:
        prev = merged[-1]
        height = min(prev.bbox[3] - prev.bbox[1], line.bbox[3] - line.bbox[1])
        same_row = abs(prev.bbox[1] - line.bbox[1]) < 0.3 * max(height, 1.0)
        gap = line.bbox[0] - prev.bbox[2]
        if same_row and -1.0 <= gap < 3.0 * max(prev.size, line.size):
            spans = list(prev.spans)
            if (
                spans
                and not spans[-1].text.endswith(" ")
                and not line.spans[0].text.startswith(" ")
            ):
                spans[-1] = Span(
                    spans[-1].text + " ",
                    spans[-1].size,
                    spans[-1].bold,
                    spans[-1].italic,
                    spans[-1].font,
                )
            merged[-1] = Line(
                page=prev.page,
                bbox=(
                    prev.bbox[0],
                    min(prev.bbox[1], line.bbox[1]),
                    line.bbox[2],
                    max(prev.bbox[3], line.bbox[3]),
                ),
                spans=spans + line.spans,
                soft_hyphen=line.soft_hyphen,
            )
        else:
            merged.append(line)
    return merged


def _in_side_margin(bbox: tuple[float, ...], width: float) -> bool:
    return bbox[2] < width * 0.1 or bbox[0] > width * 0.9


def _split_block(page: int, lines: list[Line]) -> list[Block]:
    """MuPDF sometimes glues lines of both columns or a heading and its paragraph into one
    block; split where a line starts far to the right of the previous one's column."""
    groups: list[list[Line]] = [[lines[0]]]
    for line in lines[1:]:
        prev = groups[-1][-1]
        overlaps = line.bbox[0] < prev.bbox[2] and prev.bbox[0] < line.bbox[2]
        gap = line.bbox[1] - prev.bbox[3]
        if not overlaps or gap > max(prev.size, line.size) * 1.2:
            groups.append([line])
        else:
            groups[-1].append(line)
    return [Block(page=page, bbox=_union([ln.bbox for ln in g]), lines=g) for g in groups]


def _union(boxes: list[tuple[float, ...]]) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[\divxlc]{1,4}(\s*(of|/)\s*\d+)?$|^-\s*\d+\s*-$", re.IGNORECASE
)


# Page furniture that need not repeat: licence and copyright notes, DOI and journal URLs.
_FURNITURE = re.compile(
    r"(creative\s*commons|open[\s-]access article|licen[cs]ee\b|\u00a9|\(c\)\s*(19|20)\d\d|"
    r"copyright\b|all rights reserved|published by\b|downloaded from\b|journal homepage|"
    r"https?://|www\.[a-z0-9-]+\.[a-z]|doi\s*:?\s*10\.\d|terms and conditions)",
    re.IGNORECASE,
)
# A line that is only a URL or DOI ("https://doi.org/10.1371/journal.pone.0322878.g001").
_LINK_LINE = re.compile(r"^(https?://|www\.|doi:\s*|10\.\d{4,9}/)\S+$", re.IGNORECASE)
_FOOT_SHARE = 0.3  # bottom band where first-page licence notes sit
_MAX_NOTE_LINES = 8


def _margin_key(line: Line) -> str:
    return _DIGITS.sub("#", line.text.lower()).strip()


def remove_running_text(pages: list[PageLayout]) -> int:
    """Drop running headers/footers (repeated in the page margins) and page numbers.

    Returns how many lines were removed. A margin line counts as running text when
    its digit-normalised text recurs on several pages, or when it is a bare page number.
    """
    counts: Counter[str] = Counter()
    for page in pages:
        keys = {_margin_key(line) for line in _margin_lines(page)}
        counts.update(keys)
    threshold = max(2, round(0.3 * len(pages)))
    body = body_size(pages)
    removed = 0
    for page in pages:
        margin_ids = {id(line) for line in _margin_lines(page)}
        # blocks wholly in the margin band: a body paragraph reaching into it may cite a URL
        margin_blocks = {
            id(b) for b in page.blocks if b.lines and all(id(ln) in margin_ids for ln in b.lines)
        }
        notes = {id(b) for b in page.blocks if _is_note(page, b, body)}
        for block in page.blocks:
            kept = []
            for line in block.lines:
                if (
                    id(block) in notes
                    or (len(block.lines) == 1 and _LINK_LINE.match(line.text))
                    or (
                        id(line) in margin_ids
                        and (
                            (len(pages) > 1 and counts[_margin_key(line)] >= threshold)
                            or _PAGE_NUMBER.match(line.text)
                            or (id(block) in margin_blocks and _FURNITURE.search(line.text))
                        )
                    )
                ):
                    removed += 1
                    continue
                kept.append(line)
            block.lines = kept
        prune(page)
    return removed


def body_size(pages: list[PageLayout]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for block in page.blocks:
            for line in block.lines:
                sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_note(page: PageLayout, block: Block, body: float) -> bool:
    """A licence/copyright/DOI note in the page foot or head, not larger than body text."""
    if block.kind != "text" or not block.lines or len(block.lines) > _MAX_NOTE_LINES:
        return False
    size = max(line.size for line in block.lines)
    in_margin = (
        block.bbox[1] >= page.height * (1 - _MARGIN_SHARE)
        or block.bbox[3] <= page.height * _MARGIN_SHARE
    )
    # lower in the page only in smaller print: a body paragraph may cite a URL
    in_foot = block.bbox[1] >= page.height * (1 - _FOOT_SHARE) and size < body - 0.3
    if not (in_foot or (in_margin and size <= body + 0.2)):
        return False
    return bool(_FURNITURE.search(" ".join(line.text for line in block.lines)))


def join_drop_caps(page: PageLayout) -> None:
    """A drop cap (a paragraph's first letter set large over two or three lines) is a
    line of its own: put its letter in front of the line that goes on beside it at the
    same height ("P" + "revalence rates ..."), so the paragraph opens with its word and
    the large letter does not pass for a heading or a float."""
    lines = [line for block in page.blocks for line in block.lines]
    caps = [line for line in lines if len(line.text) == 1 and line.text.isupper()]
    joined = False
    for cap in caps:  # a few per page at most (panel letters, drop caps)
        beside = [
            line
            for line in lines
            if cap.bbox[2] - 1.0 <= line.bbox[0] <= cap.bbox[2] + 0.8 * cap.size
            and abs(line.bbox[1] - cap.bbox[1]) <= 0.3 * cap.size
            and line is not cap
        ]
        if len(beside) != 1 or not beside[0].text[:1].islower():
            continue
        if cap.size < 1.8 * beside[0].size:
            continue  # a letter in the line's own print: a label, a variable
        beside[0].text = cap.text + beside[0].text
        for block in page.blocks:
            block.lines = [line for line in block.lines if line is not cap]
        joined = True
    if joined:
        prune(page)


def prune(page: PageLayout) -> None:
    """Drop emptied text blocks and shrink the others to their remaining lines."""
    page.blocks = [b for b in page.blocks if b.lines or b.kind != "text"]
    for block in page.blocks:
        if block.lines:
            block.bbox = _union([ln.bbox for ln in block.lines])


def _margin_lines(page: PageLayout) -> list[Line]:
    top = page.height * _MARGIN_SHARE
    bottom = page.height * (1 - _MARGIN_SHARE)
    return [
        line
        for block in page.blocks
        for line in block.lines
        if line.bbox[3] <= top or line.bbox[1] >= bottom
    ]


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
    stretches: list[list[Block]] = []
    bottom = float("-inf")
    for block in blocks:  # sorted by top
        if block.bbox[1] > bottom or not stretches:
            stretches.append([])
        stretches[-1].append(block)
        bottom = max(bottom, block.bbox[3])
    floats = [all(_float_print(b, body) for b in stretch) for stretch in stretches]
    out: set[int] = set()
    i = 0
    while i < len(stretches):
        if not floats[i]:
            i += 1
            continue
        j = i
        while j < len(stretches) and floats[j]:
            j += 1
        run = [b for stretch in stretches[i:j] for b in stretch]
        above = [b for stretch in stretches[:i] for b in stretch]
        below = [b for stretch in stretches[j:] for b in stretch]
        if (
            min(b.bbox[0] for b in run) < mid - 0.05 * width
            and max(b.bbox[2] for b in run) > mid + 0.05 * width
            and all(
                _text_next(near, mid, left, body)
                for near in (above[::-1], below)
                for left in (True, False)
            )
        ):
            out.update(id(b) for b in run)
        i = j
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
    if not block.lines or is_caption(block.lines[0].text):
        return bool(block.lines)
    return all(line.size < body - 0.8 for line in block.lines)
