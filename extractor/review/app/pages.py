"""PDF pages for the value page: rendered PNGs (cached on disk), where quotes and search
hits sit on a page, and the page's text with the quotes marked.

MuPDF is not thread-safe, and the app serves requests from a thread pool: every use
of PyMuPDF holds `_MUPDF`.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pymupdf

from extractor.document import Document
from extractor.fileio import atomic_write_bytes

ZOOM = 2.0  # 144 dpi: sharp on a laptop screen, ~100-300 kB per page
_MUPDF = threading.Lock()
_WORD = re.compile(r"[^\w]+")
_MIN_SHARE = 0.6  # a quote is "found" when this share of its words match in order


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page


@dataclass(frozen=True)
class PageGeometry:
    count: int
    width: float
    height: float


def render_png(pdf: Path, sha256: str, number: int, cache_dir: Path) -> tuple[bytes, bool]:
    """PNG of page `number` (1-based) and whether it came from the cache."""
    cached = cache_dir / sha256 / f"{number}@{ZOOM:g}.png"
    try:
        return cached.read_bytes(), True
    except FileNotFoundError:
        pass
    with _MUPDF, pymupdf.open(pdf) as doc:
        pix = doc[number - 1].get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), alpha=False)
        data = pix.tobytes("png")
    atomic_write_bytes(cached, data)
    return data, False


@dataclass(frozen=True)
class PageData:
    geometry: PageGeometry
    words: list[tuple[str, Box]]
    lines: list[tuple[str, Box]]  # the text layer: one entry per line of words


class PageWords:
    """Words and lines of PDF pages, read once per (file, page) and kept in a small LRU."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._pages: OrderedDict[tuple[str, int], PageData] = OrderedDict()

    def get(self, pdf: Path, sha256: str, number: int) -> PageData:
        key = (sha256, number)
        with _MUPDF:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
            with pymupdf.open(pdf) as doc:
                page = doc[number - 1]
                rect = page.rect  # as displayed (rotation applied)
                turn = page.rotation_matrix
                words: list[tuple[str, Box]] = []
                grouped: dict[tuple[int, int], list[tuple[str, Box]]] = {}
                for w in page.get_text("words", sort=True):
                    r = pymupdf.Rect(w[:4]) * turn
                    box = (
                        r.x0 / rect.width,
                        r.y0 / rect.height,
                        r.x1 / rect.width,
                        r.y1 / rect.height,
                    )
                    words.append((str(w[4]), box))
                    grouped.setdefault((int(w[5]), int(w[6])), []).append(words[-1])
                lines = [
                    (
                        " ".join(t for t, _ in line),
                        (
                            min(b[0] for _, b in line),
                            min(b[1] for _, b in line),
                            max(b[2] for _, b in line),
                            max(b[3] for _, b in line),
                        ),
                    )
                    for line in grouped.values()
                ]
                value = PageData(
                    PageGeometry(doc.page_count, rect.width, rect.height), words, lines
                )
            self._pages[key] = value
            if len(self._pages) > self._size:
                self._pages.popitem(last=False)
            return value


def _token(word: str) -> str:
    return _WORD.sub("", unicodedata.normalize("NFKC", word).casefold())


def _page_tokens(words: list[tuple[str, Box]]) -> tuple[list[str], list[list[Box]]]:
    """Tokens of a page; a word broken by a hyphen at a line end is joined to the next one."""
    tokens: list[str] = []
    boxes: list[list[Box]] = []
    i = 0
    while i < len(words):
        text, box = words[i]
        group = [box]
        while text.endswith(("-", "\u00ad")) and i + 1 < len(words):
            i += 1
            text = text.rstrip("-\u00ad") + words[i][0]
            group.append(words[i][1])
        token = _token(text)
        if token:
            tokens.append(token)
            boxes.append(group)
        i += 1
    return tokens, boxes


def locate(words: list[tuple[str, Box]], text: str) -> list[Box]:
    """Boxes of `text` on a page: the words of its best in-order match (empty if none).

    Words are compared folded (case, punctuation, ligatures, line-end hyphens), and a
    near match counts when most of the quote's words appear in order, so a quote that
    the parser joined differently from the PDF's glyphs is still shown.
    """
    quote = [t for t in (_token(w) for w in text.split()) if t]
    if not quote or not words:
        return []
    tokens, boxes = _page_tokens(words)
    n = len(quote)
    for start in range(len(tokens) - n + 1):
        if tokens[start] == quote[0] and tokens[start : start + n] == quote:
            return _merge([b for group in boxes[start : start + n] for b in group])
    matcher = difflib.SequenceMatcher(None, tokens, quote, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 2 or n < 4]
    if sum(b.size for b in blocks) < _MIN_SHARE * n:
        return []
    found = [box for b in blocks for group in boxes[b.a : b.a + b.size] for box in group]
    return _merge(found)


def locate_all(words: list[tuple[str, Box]], text: str, limit: int = 200) -> list[Box]:
    """Boxes of every exact (folded) occurrence of `text` on a page: search hits."""
    query = [t for t in (_token(w) for w in text.split()) if t]
    if not query:
        return []
    tokens, boxes = _page_tokens(words)
    n, found = len(query), []
    for start in range(len(tokens) - n + 1):
        if tokens[start : start + n] == query:
            found.extend(b for group in boxes[start : start + n] for b in group)
            if len(found) >= limit:
                break
    return _merge(found)


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per line of words: fewer, cleaner rectangles."""
    lines: list[list[float]] = []
    for x0, y0, x1, y1 in boxes:
        last = lines[-1] if lines else None
        if last and abs(last[1] - y0) < 0.004 and abs(last[3] - y1) < 0.004 and x0 >= last[0]:
            last[2] = max(last[2], x1)
        else:
            lines.append([x0, y0, x1, y1])
    return [(a, b, c, d) for a, b, c, d in lines]


def span_boxes(
    document: Document, page: PageGeometry, number: int, start: int, end: int
) -> list[Box]:
    """The parser's paragraph boxes covering characters [start, end): a coarse fallback."""
    out = []
    for span in document.page_map:
        if span.page == number and span.bbox and span.char_start < end and start < span.char_end:
            x0, y0, x1, y1 = span.bbox
            out.append((x0 / page.width, y0 / page.height, x1 / page.width, y1 / page.height))
    return out


@dataclass(frozen=True)
class Segment:
    text: str
    mark: int | None = None  # index of the evidence quote it belongs to


def page_text(
    document: Document | None, number: int, ranges: list[tuple[int, int, int]]
) -> list[list[Segment]]:
    """Paragraphs of page `number` from the parsed text, with quote ranges marked.

    `ranges` are (start, end, quote index) in `Document.text`. Reviewers select their
    quote here: it is the text grounding reads, so the quote is found again exactly.
    """
    if document is None:
        return []
    spans = sorted((s for s in document.page_map if s.page == number), key=lambda s: s.char_start)
    paragraphs = []
    for span in spans:
        cuts = {span.char_start, span.char_end}
        for start, end, _ in ranges:
            for c in (start, end):
                if span.char_start < c < span.char_end:
                    cuts.add(c)
        points = sorted(cuts)
        segments = []
        for a, b in pairwise(points):
            mark = next((i for s, e, i in ranges if s <= a and b <= e), None)
            segments.append(Segment(document.text[a:b], mark))
        paragraphs.append(segments)
    return paragraphs


def context(document: Document, start: int, end: int, width: int = 240) -> tuple[str, str, str]:
    """(before, quote, after) around a located quote, cut at word boundaries."""
    text = document.text
    a, b = max(0, start - width), min(len(text), end + width)
    before, after = text[a:start], text[end:b]
    if a > 0:
        before = "…" + before.split(" ", 1)[-1]
    if b < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return before, text[start:end], after


@dataclass(frozen=True)
class Hit:
    page: int | None
    before: str
    match: str
    after: str


def search(document: Document, query: str, limit: int = 50) -> list[Hit]:
    """Case-insensitive hits of `query` in the paper's text, with their pages."""
    needle = query.strip().casefold()
    if not needle:
        return []
    haystack = document.text.casefold()
    hits: list[Hit] = []
    at = haystack.find(needle)
    while at >= 0 and len(hits) < limit:
        end = at + len(needle)
        before, match, after = context(document, at, end, width=60)
        hits.append(Hit(document.page_at(at), before, match, after))
        at = haystack.find(needle, end)
    return hits
