"""Page geometry: text lines with their fonts, running headers/footers, reading order.

Plain PyMuPDF (`page.get_text("dict")`) is fast and carries everything the later
steps need: font sizes and bold flags for headings, boxes for columns and tables.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from extractor.pdf.text import SOFT_HYPHEN, clean_chars, font_chars

# Expand ligatures (no TEXT_PRESERVE_LIGATURES), keep only what is on the page.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_BOLD_FLAG = 16
_ITALIC_FLAG = 2
_MARGIN_SHARE = 0.12  # top/bottom band where running headers and page numbers live


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
            self.text = "".join(s.text for s in self.spans).strip()

    @property
    def flow_text(self) -> str:
        """The text as joined into paragraphs: a soft hyphen at the end is kept as a
        marker for `join_lines_at` (it joins the word without a space)."""
        return self.text + SOFT_HYPHEN if self.soft_hyphen else self.text

    @property
    def size(self) -> float:
        """The font size that covers most characters of the line."""
        weights: Counter[float] = Counter()
        for span in self.spans:
            weights[round(span.size, 1)] += len(span.text.strip())
        return weights.most_common(1)[0][0] if weights else 0.0

    @property
    def bold(self) -> bool:
        letters = [s for s in self.spans if s.text.strip()]
        return bool(letters) and all(s.bold for s in letters)

    @property
    def font(self) -> str:
        """The font that covers most characters of the line."""
        weights: Counter[str] = Counter()
        for span in self.spans:
            weights[span.font] += len(span.text.strip())
        return weights.most_common(1)[0][0] if weights else ""

    @property
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


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    blocks: list[Block]
    has_images: bool = False


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
    data = page.get_text("dict", flags=TEXT_FLAGS)
    width, height = page.rect.width, page.rect.height
    blocks: list[Block] = []
    for raw in data["blocks"]:
        if raw.get("type", 0) != 0:
            continue
        lines: list[Line] = []
        for raw_line in raw["lines"]:
            _dx, dy = raw_line["dir"]
            if abs(dy) > 0.2 and _in_side_margin(raw_line["bbox"], width):
                continue  # rotated marginal notes ("Downloaded from ...", arXiv stamps)
            spans = [
                Span(
                    text=clean_chars(font_chars(s["text"], s["font"])),
                    size=s["size"],
                    bold=_is_bold(s),
                    italic=_is_italic(s),
                    font=s["font"],
                )
                for s in raw_line["spans"]
                if s["text"]
            ]
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
    return PageLayout(number, width, height, blocks, has_images)


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
    removed = 0
    for page in pages:
        margin_ids = {id(line) for line in _margin_lines(page)}
        for block in page.blocks:
            kept = []
            for line in block.lines:
                if id(line) in margin_ids and (
                    (len(pages) > 1 and counts[_margin_key(line)] >= threshold)
                    or _PAGE_NUMBER.match(line.text)
                ):
                    removed += 1
                    continue
                kept.append(line)
            block.lines = kept
        prune(page)
    return removed


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


def reading_order(page: PageLayout) -> list[Block]:
    """Blocks in reading order for one- and two-column pages.

    Full-width blocks cut the page into horizontal bands; inside a band the left
    column is read before the right one.
    """
    mid = page.width / 2
    blocks = sorted(page.blocks, key=lambda b: (b.bbox[1], b.bbox[0]))

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

    for block in blocks:
        if spans_both(block):
            flush()
            ordered.append(block)
        else:
            band.append(block)
    flush()
    return ordered
