"""Page geometry: text lines with their fonts, running headers/footers, reading order.

Plain PyMuPDF (`page.get_text("dict")`) is fast and carries everything the later
steps need: font sizes and bold flags for headings, boxes for columns and tables.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from extractor.pdf.text import SOFT_HYPHEN, compose_accents, span_table

# Expand ligatures (no TEXT_PRESERVE_LIGATURES), keep only what is on the page.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_BOLD_FLAG = 16
_ITALIC_FLAG = 2
_MARGIN_SHARE = 0.12  # top/bottom band where running headers and page numbers live


# slots: a corpus makes ~2x10^5 spans; without a __dict__ each is made and freed faster
@dataclass(slots=True)
class Span:
    text: str
    size: float
    bold: bool
    italic: bool
    font: str
    # what the span weighs in its line's size and font: the length of each of MuPDF's
    # spans it was made of, outer spaces stripped (-1: its own text's, stripped)
    weight: int = -1


# slots: ~10^5 lines per corpus, each made and read a little faster without a __dict__
@dataclass(slots=True)
class Line:
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    spans: list[Span]
    text: str = ""
    # the line ends in a soft hyphen (U+00AD): the word goes on in the next line
    soft_hyphen: bool = False
    # how the line runs: 0 across, -1 up the page, 1 down it (a table set sideways)
    sideways: int = 0
    # The line's style (`_line_style`): read_page passes it, weighed while it reads the
    # spans; a line made otherwise (size left at -1) gets it from its spans here. Plain
    # attributes, not properties: they are read hundreds of thousands of times a paper.
    size: float = -1.0  # the font size that covers most characters
    bold: bool = False  # all spans with letters are bold (and there is one)
    italic: bool = False  # all spans with letters are italic (and there is one)
    font: str = ""  # the font that covers most characters

    def __post_init__(self) -> None:
        if not self.text:
            # accents are put on their letters here: TeX sets them in their own spans
            self.text = compose_accents("".join([s.text for s in self.spans]).strip())
        if self.size < 0:
            self.size, self.bold, self.italic, self.font = _line_style(self)

    @property
    def flow_text(self) -> str:
        """The text as joined into paragraphs: a soft hyphen at the end is kept as a
        marker for `join_lines_at` (it joins the word without a space)."""
        return self.text + SOFT_HYPHEN if self.soft_hyphen else self.text


def _line_style(line: Line) -> tuple[float, bool, bool, str]:
    """A line's size and font (those covering most characters; of equal weights the
    first, as `Counter.most_common` keeps it; sizes weighed exactly, rounded after) and
    whether all its spans with letters (and there is one) are bold, italic."""
    spans = line.spans
    if len(spans) == 1:  # most lines: no weighing needed
        only = spans[0]
        letters = bool(only.text.strip())
        return round(only.size, 1), letters and only.bold, letters and only.italic, only.font
    exact: dict[float, int] = {}
    fonts: dict[str, int] = {}
    bold = italic = True
    letters = False
    for span in spans:
        weight = span.weight if span.weight >= 0 else len(span.text.strip())
        if weight:
            letters = True
            bold = bold and span.bold
            italic = italic and span.italic
        exact[span.size] = exact.get(span.size, 0) + weight
        fonts[span.font] = fonts.get(span.font, 0) + weight
    font = max(fonts, key=fonts.__getitem__) if fonts else ""
    return _weighed_size(exact), letters and bold, letters and italic, font


def _weighed_size(exact: dict[float, int]) -> float:
    """The size (rounded to 0.1) that the most characters have, of the exact sizes and
    their weights; of equal weights the first."""
    if len(exact) == 1:  # most lines: one size
        return round(next(iter(exact)), 1)
    weights: dict[float, int] = {}
    for exact_size, weight in exact.items():
        key = round(exact_size, 1)
        weights[key] = weights.get(key, 0) + weight
    return max(weights, key=weights.__getitem__) if weights else 0.0


# slots: as for Line (~2x10^4 blocks)
@dataclass(slots=True)
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
    has_images: bool = False  # a page without text lines that shows an image (a scan)
    # MuPDF's text of the page, made once and reused for word positions (tables)
    textpage: pymupdf.TextPage | None = None
    _words: list[tuple] | None = field(default=None, repr=False)

    def words(self) -> list[tuple] | None:
        """The words of `textpage` (MuPDF's "words" list), read once: ruled tables and
        tables without rules both place their cells by them."""
        if self._words is None and self.textpage is not None:
            self._words = self.textpage.extractWORDS()
        return self._words


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
    rect = page.rect
    width, height = rect.width, rect.height
    blocks: list[Block] = []
    # a page has hundreds of spans in a handful of styles: bold/italic and the character
    # repairs (one translation table) once per style
    styles: dict[tuple[str, int], tuple[bool, bool, dict[int, str]]] = {}
    plain = span_table("")  # a font without a symbol map: clean_chars, which maps no ASCII
    for raw in data["blocks"]:
        if raw.get("type", 0) != 0:
            continue
        lines: list[Line] = []
        for raw_line in raw["lines"]:
            if abs(raw_line["dir"][1]) > 0.2 and _in_side_margin(raw_line["bbox"], width):
                continue  # rotated marginal notes ("Downloaded from ...", arXiv stamps)
            spans: list[Span] = []
            texts: list[str] = []
            last = ""  # the line's raw text ends with its last span that is not blank
            # the line's style (see `_line_style`), weighed here while its spans are read
            sizes: dict[float, int] = {}
            fonts: dict[str, int] = {}
            bold = italic = True
            letters = False
            parts = [s for s in raw_line["spans"] if s["text"]]
            i, n = 0, len(parts)
            while i < n:
                first = parts[i]
                font, flags, size = first["font"], first["flags"], first["size"]
                j = i + 1
                # a run of spans in one style (a colour change, or one span per word) is
                # one Span: a third as many to make and for every later step to walk
                while (
                    j < n
                    and parts[j]["size"] == size
                    and parts[j]["font"] == font
                    and parts[j]["flags"] == flags
                ):
                    j += 1
                key = (font, flags)
                style = styles.get(key)
                if style is None:
                    style = styles[key] = (_is_bold(first), _is_italic(first), span_table(font))
                table = style[2]
                run: list[str] = []
                weight = 0
                for part in parts[i:j]:
                    text = part["text"]
                    if not text.isspace():
                        last = text
                    if not (text.isascii() and table is plain):  # no repair for plain ASCII
                        text = text.translate(table)
                    weight += len(text.strip())
                    run.append(text)
                i = j
                text = run[0] if len(run) == 1 else "".join(run)
                spans.append(Span(text, size, style[0], style[1], font, weight))
                texts.append(text)
                sizes[size] = sizes.get(size, 0) + weight
                fonts[font] = fonts.get(font, 0) + weight
                if weight:
                    letters = True
                    bold = bold and style[0]
                    italic = italic and style[1]
            joined = "".join(texts).strip()
            if not joined:
                continue
            if not joined.isascii():  # (most lines are ASCII: no call)
                # accents are put on their letters here: TeX sets them in their own spans
                joined = compose_accents(joined)
            turn = raw_line["dir"][1]
            # the style as `_line_style` would work it out (most lines are in one size
            # and font: no weighing, no calls)
            lines.append(
                Line(
                    number,
                    raw_line["bbox"],
                    spans,
                    joined,
                    last.rstrip().endswith(SOFT_HYPHEN),
                    round(turn) if turn else 0,
                    round(size, 1) if len(sizes) == 1 else _weighed_size(sizes),
                    letters and bold,
                    letters and italic,
                    font if len(fonts) == 1 else max(fonts, key=fonts.__getitem__),
                )
            )
        if lines:
            blocks.extend(_split_block(number, _merge_baseline(lines)))
    # images matter only on a page without text (a scan): looked up there alone
    has_images = not blocks and bool(page.get_images(full=False))
    return PageLayout(number, width, height, blocks, has_images, textpage)


def _merge_baseline(lines: list[Line]) -> list[Line]:
    """Join line pieces that share a baseline: some producers emit each word of a
    justified line as its own line, which would otherwise be split apart and reordered."""
    merged: list[Line] = [lines[0]]
    for line in lines[1:]:
        prev = merged[-1]
        # conditional expressions, not min()/max() calls: this runs for every line read
        before, box = prev.bbox, line.bbox
        prev_height, height = before[3] - before[1], box[3] - box[1]
        height = prev_height if prev_height < height else height
        same_row = abs(before[1] - box[1]) < 0.3 * (height if height >= 1.0 else 1.0)
        gap = box[0] - before[2]
        if same_row and -1.0 <= gap < 3.0 * _larger(prev.size, line.size):
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
                    spans[-1].weight,
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
                sideways=prev.sideways,
            )
        else:
            merged.append(line)
    return merged


def _larger(a: float, b: float) -> float:
    return b if b > a else a


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
        if not overlaps or gap > _larger(prev.size, line.size) * 1.2:
            groups.append([line])
        else:
            groups[-1].append(line)
    return [Block(page=page, bbox=union_box([ln.bbox for ln in g]), lines=g) for g in groups]


def union_box(boxes: list[tuple[float, ...]]) -> tuple[float, float, float, float]:
    """The box around all of `boxes` (at least one)."""
    # one pass (called for every block at each prune); the first of equal values is kept,
    # as min() and max() keep it
    x0, y0, x1, y1 = boxes[0][:4]
    for box in boxes[1:]:
        if box[0] < x0:
            x0 = box[0]
        if box[1] < y0:
            y0 = box[1]
        if box[2] > x1:
            x1 = box[2]
        if box[3] > y1:
            y1 = box[3]
    return (x0, y0, x1, y1)


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
    # each page's margin lines and their keys, worked out once for both passes
    margin_keys: list[dict[int, str]] = []
    for page in pages:
        keys = {id(line): _margin_key(line) for line in _margin_lines(page)}
        margin_keys.append(keys)
        counts.update(set(keys.values()))
    threshold = max(2, round(0.3 * len(pages)))
    body = body_size(pages)
    removed = 0
    for page, margin_ids in zip(pages, margin_keys, strict=True):
        # blocks wholly in the margin band: a body paragraph reaching into it may cite a URL
        margin_blocks = {
            id(b) for b in page.blocks if b.lines and all(id(ln) in margin_ids for ln in b.lines)
        }
        notes = {id(b) for b in page.blocks if _is_note(page, b, body)}
        emptied = False
        for block in page.blocks:
            if id(block) in notes:
                kept = []
            else:
                single = len(block.lines) == 1
                in_band = id(block) in margin_blocks
                kept = [
                    line
                    for line in block.lines
                    if not (
                        (single and _LINK_LINE.match(line.text))
                        or (
                            (key := margin_ids.get(id(line))) is not None
                            and (
                                (len(pages) > 1 and counts[key] >= threshold)
                                or _PAGE_NUMBER.match(line.text)
                                or (in_band and _FURNITURE.search(line.text))
                            )
                        )
                    )
                ]
            if len(kept) < len(block.lines):
                # what `prune` would do, for this block alone: the others' boxes are still
                # the union of their lines' boxes, as read_page made them
                removed += len(block.lines) - len(kept)
                block.lines = kept
                if kept:
                    block.bbox = union_box([ln.bbox for ln in kept])
                else:
                    emptied = True
        if emptied:
            page.blocks = [b for b in page.blocks if b.lines or b.kind != "text"]
    return removed


def body_size(pages: list[PageLayout]) -> float:
    # a dict, not a Counter (called for every page): max() keeps the first of equal
    # weights, as most_common does; line sizes are already rounded to 0.1
    sizes: dict[float, int] = {}
    for page in pages:
        for block in page.blocks:
            for line in block.lines:
                size = line.size
                sizes[size] = sizes.get(size, 0) + len(line.text)
    return max(sizes, key=sizes.__getitem__) if sizes else 0.0


def _is_note(page: PageLayout, block: Block, body: float) -> bool:
    """A licence/copyright/DOI note in the page foot or head, not larger than body text."""
    if block.kind != "text" or not block.lines or len(block.lines) > _MAX_NOTE_LINES:
        return False
    in_margin = (
        block.bbox[1] >= page.height * (1 - _MARGIN_SHARE)
        or block.bbox[3] <= page.height * _MARGIN_SHARE
    )
    low = block.bbox[1] >= page.height * (1 - _FOOT_SHARE)
    if not (in_margin or low):
        return False  # most blocks: their print need not be looked at
    size = max(line.size for line in block.lines)
    # lower in the page only in smaller print: a body paragraph may cite a URL
    in_foot = low and size < body - 0.3
    if not (in_foot or (in_margin and size <= body + 0.2)):
        return False
    return bool(_FURNITURE.search(" ".join(line.text for line in block.lines)))


def join_drop_caps(page: PageLayout) -> None:
    """A drop cap (a paragraph's first letter set large over two or three lines) is a
    line of its own: put its letter in front of the line that goes on beside it at the
    same height ("P" + "revalence rates ..."), so the paragraph opens with its word and
    the large letter does not pass for a heading or a float."""
    caps = [
        line
        for block in page.blocks
        for line in block.lines
        if len(line.text) == 1 and line.text.isupper()
    ]
    if not caps:
        return  # most pages
    lines = [line for block in page.blocks for line in block.lines]
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
            block.bbox = union_box([ln.bbox for ln in block.lines])


def _margin_lines(page: PageLayout) -> list[Line]:
    top = page.height * _MARGIN_SHARE
    bottom = page.height * (1 - _MARGIN_SHARE)
    return [
        line
        for block in page.blocks
        for line in block.lines
        if line.bbox[3] <= top or line.bbox[1] >= bottom
    ]
