"""Paragraph integrity (issue 20): the share of a paper's JATS body paragraphs that appear
whole and in order in a parser's text.

Paragraphs are compared as lower-case letters and digits only (spacing, punctuation and
citation style do not count): accents are folded (NFKD, so "ñ" and a PDF's "˜n" both read
"n"), and a run of numeric citations (`<xref ref-type="bibr">`) matches any run of digits
in the parser's text ("[16-20]" printed, "16,17,18,19,20" in the XML), a run of figure and
table references any short run of letters and digits ("Figures 1-4" printed, "Figure 1,
Figure 2, Figure 3 and Figure 4" in the XML). Left out:
paragraphs inside tables, figures, boxes and supplementary material, and those under 80
characters; a figure or table that JATS anchors inside a `<p>` is left out of that
paragraph's text (the PDF prints its caption apart; `anchored=True` keeps it, the measure
as first written, which the bench prints beside, labelled).

A paragraph that is not found whole is classified by what the parser put where the
paragraph breaks: the text from the last character that still matches to the point where
the paragraph's remainder resumes.

- caption: a figure/table caption ("Figure 2 ...", "Table 1 ...") or a table's cells;
- header/footer: a DOI, URL, licence, copyright or journal line, a page number;
- sidebar: article-information boxes (editor, received/accepted, citation, funding, data
  availability, correspondence);
- split word: a change of at most three letters or digits (a character read wrongly,
  a word glued or lost);
- order: the paragraph is whole but before the previous one (reading order);
- formula: the break is at (within 20 characters of) an inline or display formula of the
  JATS paragraph (`inline-formula`, `disp-formula`, MathML, TeX). JATS spells MathML out
  as text in its own order (`<mml:msub>` "x" "i"), the PDF prints the formula laid out in
  two dimensions, so part of this kind is the measure, part the parser (an equation's
  pieces in the wrong order); `integrity_lenient` reports the share with formulas as a
  wildcard beside the strict one;
- footnote mark: at a table/author footnote `<xref>` of the JATS paragraph (a superscript
  "a" or "*" the PDF may set apart or leave out);
- list label: the parser's text has a list item's label ("1)", "(b)", "iv.") where the
  JATS `<list>` leaves its numbering to `list-type` (the measure's side, as formulas);
- table/figure text: numbers or cells of a table or figure set as text inserted in the
  paragraph without a caption in front (most digits, or "|" cells);
- short insertion: at most 100 characters of other text inserted (a heading, a label);
- long insertion: more inserted text that is none of the above;
- piece earlier: the paragraph's remainder is printed before where it starts (a column
  or page read in the wrong order);
- characters differ: the remainder resumes after a few (<= 40) characters of the JATS
  text are printed differently (a symbol, a ligature, a super/subscript spelled out);
- text missing: a longer stretch of the JATS paragraph is not in the text at all, the
  rest follows;
- start differs: the paragraph's first characters are not found, a later part is;
- lost: neither the rest nor the start of the paragraph is found.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MIN_CHARS = 80
KINDS = (
    "caption",
    "header/footer",
    "sidebar",
    "split word",
    "order",
    "formula",
    "footnote mark",
    "list label",
    "table/figure text",
    "short insertion",
    "long insertion",
    "piece earlier",
    "characters differ",
    "text missing",
    "start differs",
    "lost",
)
# the kinds where the JATS paragraph holds material the PDF does not print as such
JATS_ONLY = ("formula", "footnote mark")  # wildcards in the lenient figure
_EXCLUDED = {"table-wrap", "fig", "boxed-text", "supplementary-material", "table", "caption"}
_NOT_ALNUM = re.compile(r"[^a-z0-9\x00-\x04]+")
_CITE = "\x00"  # a numeric citation run in a gold paragraph
_XREF = "\x01"  # a run of figure/table references ("Figures 1-4" printed)
_FORMULA = "\x02"  # opens a formula's text in a gold paragraph
_FN_MARK = "\x03"  # opens a footnote mark's text
_CLOSE = "\x04"  # closes either
_SPANS = re.compile("([\x02\x03])([^\x04]*)\x04")
_PIECES = re.compile("(\x02[^\x04]*\x04|\x03[^\x04]*\x04|[\x00\x01])")
_FORMULA_TAGS = {"inline-formula", "disp-formula", "math", "tex-math", "inline-graphic"}
_FN_REFS = {"fn", "table-fn", "author-notes"}
_NEAR = 20  # a break this close to a formula / footnote mark is put down to it
_CITE_RUN = re.compile("\x00+")
_XREF_RUN = re.compile(r"\x01(?:[\s,;]*(?:and|&)?[\s,;]*\x01)+")
_MARKS = re.compile("([\x00\x01])")
_CONTROL = re.compile("[\x00-\x04]")  # the marks above, never taken from a parser's text
_TABLE_TEXT = re.compile(r"\||\d")
_FLOAT_XREFS = {"fig", "table", "supplementary-material"}
_NUMERIC_CITE = re.compile(r"^[\s\d,;\u2013\u2014\-]+$")
_ANCHOR = 24  # normalised characters used to find where a paragraph starts / resumes
_WINDOW = 12000  # how far after a break the remainder may resume and still be "inserted"

_CAPTION = re.compile(r"(^|\n)\s*(fig(ure)?\.?|table|scheme|box)\s*[0-9ivx]+", re.IGNORECASE)
_SIDEBAR = re.compile(
    r"(academic editor|editor:|edited by|reviewed by|received:|accepted:|published:|"
    r"citation:|data availability|funding:|competing interests:|correspondence|"
    r"specialty section|this article was submitted)",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"(doi|https?:|www\.|©|\(c\)|copyright|licen[cs]e|creative commons|all rights reserved|"
    r"published by|journal|vol\.|volume|\bpage\b|downloaded from|open access)",
    re.IGNORECASE,
)
# a list item's label that the PDF prints and JATS leaves to `list-type` ("1)", "(b)")
_LIST_LABEL = re.compile(r"^\s*\(?(\d{1,2}|[a-h]|[ivx]{1,4})[.)]\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$|\n\s*\d{1,4}\s*\n", re.MULTILINE)
# the end of a paragraph's own text that a caption's label may have matched ("see Table")
_LABEL_TAIL = re.compile(r"(fig(ure)?\.?|table|scheme|box)\s*$", re.IGNORECASE)


def _text(element: ET.Element, anchored: bool = False) -> str:
    """The element's text without the figures/tables anchored inside it (`anchored`: with)."""
    return " ".join(_raw_text(element, anchored).split())


def _raw_text(element: ET.Element, anchored: bool) -> str:
    parts: list[str] = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and (anchored or child.tag not in _EXCLUDED):
            parts.append(_raw_text(child, anchored))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraph_text(element: ET.Element, anchored: bool = False) -> str:
    """The paragraph's text with each numeric citation replaced by `_CITE`."""
    parts: list[str] = [element.text or ""]
    for child in element:
        cite = child.tag == "xref" and child.get("ref-type") == "bibr"
        inner = "".join(child.itertext())
        tag = child.tag.rsplit("}", 1)[-1]  # MathML is namespaced
        if tag in _EXCLUDED and not anchored:
            pass  # a figure/table anchored inside the paragraph: a float, not its text
        elif tag in _FORMULA_TAGS:
            parts.append(_FORMULA + inner + _CLOSE)
        elif child.tag == "xref" and child.get("ref-type") in _FN_REFS:
            parts.append(_FN_MARK + inner + _CLOSE)
        elif cite and _NUMERIC_CITE.match(inner):
            parts.append(_CITE)
        elif child.tag == "xref" and child.get("ref-type") in _FLOAT_XREFS:
            parts.append(_XREF)
        else:
            parts.append(_paragraph_text(child, anchored))
        parts.append(child.tail or "")
    return _XREF_RUN.sub(_XREF, "".join(parts))


def gold_paragraphs(nxml: Path, anchored: bool = False) -> list[str]:
    """The `<p>`s of `<body>` in document order, outside tables/figures/boxes, >= 80 chars.

    A figure or table that JATS anchors inside a `<p>` (Nature, Springer, BMC put the
    `<fig>` there) is a float, not the paragraph's text: the PDF prints its caption
    elsewhere. `anchored=True` keeps it as the paragraph's text, the measure as it was
    first written (reported beside, labelled)."""
    body = ET.parse(nxml).getroot().find("body")
    out: list[str] = []

    def walk(element: ET.Element) -> None:
        for child in element:
            if child.tag in _EXCLUDED:
                continue
            if child.tag == "p":
                if len(_text(child, anchored)) >= MIN_CHARS:
                    out.append(" ".join(_paragraph_text(child, anchored).split()))
                continue  # a <p> is counted whole, lists inside it included
            walk(child)

    if body is not None:
        walk(body)
    return out


def _fold(ch: str) -> str:
    """One character as lower-case ASCII letters/digits (accents dropped), maybe empty."""
    if ch < "\x80":
        ch = ch.lower()
        return ch if ("a" <= ch <= "z") or ("0" <= ch <= "9") or "\x00" <= ch <= "\x04" else ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", ch).lower())


def normalise(text: str) -> str:
    return _CITE_RUN.sub(_CITE, "".join(_fold(ch) for ch in text))


def _pattern(p: str, lenient: bool = False) -> re.Pattern[str]:
    """The regex of a normalised gold paragraph. Strict (the measure): formulas and
    footnote marks must be printed as JATS spells them. Lenient: each is a wildcard of up
    to three times its length (at least 40 characters), for the figure without them."""
    gaps = {_CITE: "[0-9]{0,40}", _XREF: "[a-z0-9]{0,40}?"}
    out: list[str] = []
    for part in _PIECES.split(p):
        if part in gaps:
            out.append(gaps[part])
        elif part[:1] in (_FORMULA, _FN_MARK):
            inner = part[1:-1]
            out.append(f"[a-z0-9]{{0,{max(40, 3 * len(inner))}}}?" if lenient else re.escape(inner))
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def _plain(p: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The gold paragraph without formula/footnote marks, and where those spans lie in it
    (start, end, kind)."""
    spans: list[tuple[int, int, str]] = []
    out: list[str] = []
    at = 0
    last = 0
    for m in _SPANS.finditer(p):
        out.append(p[last : m.start()])
        at += m.start() - last
        kind = "formula" if m.group(1) == _FORMULA else "footnote mark"
        spans.append((at, at + len(m.group(2)), kind))
        out.append(m.group(2))
        at += len(m.group(2))
        last = m.end()
    out.append(p[last:])
    return "".join(out), spans


def _near(spans: list[tuple[int, int, str]], i: int) -> str | None:
    for start, end, kind in spans:
        if start - _NEAR <= i <= end + _NEAR:
            return kind
    return None


class _Indexed:
    """A parser's text normalised, with the raw offset of each normalised character."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        chars: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(_CONTROL.sub(" ", raw)):
            for folded in _fold(ch):
                chars.append(folded)
                where.append(i)
        self.norm = "".join(chars)
        self.where = where

    def raw_between(self, start: int, end: int) -> str:
        """Raw text from normalised offset `start` up to `end` (exclusive)."""
        if start >= len(self.where):
            return self.raw[self.where[-1] + 1 :] if self.where else ""
        a = self.where[start - 1] + 1 if start > 0 else 0
        b = self.where[end] if end < len(self.where) else len(self.raw)
        return self.raw[a:b]


@dataclass
class Integrity:
    intact: int = 0
    total: int = 0
    intact_lenient: int = 0  # with JATS formulas / footnote marks as wildcards
    kinds: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (paper, kind, snippet)

    def add(self, other: Integrity) -> None:
        self.intact += other.intact
        self.total += other.total
        self.intact_lenient += other.intact_lenient
        self.kinds.update(other.kinds)
        self.examples.extend(other.examples)

    @property
    def share(self) -> float:
        return self.intact / self.total if self.total else 0.0

    @property
    def share_lenient(self) -> float:
        return self.intact_lenient / self.total if self.total else 0.0


def _classify_insertion(inserted_raw: str, inserted_norm: int, before: str = "") -> str:
    """What the parser put between the paragraph's break and where its remainder resumes;
    `before` is the raw text just ahead of the break (the paragraph's own "... Table" may
    have matched the label of a caption that follows)."""
    if _LIST_LABEL.match(inserted_raw):
        return "list label"
    if inserted_norm <= 3:
        return "split word"
    if _CAPTION.search(inserted_raw[:400]) or (
        _LABEL_TAIL.search(before) and re.match(r"\s*[0-9ivx]+\b", inserted_raw)
    ):
        return "caption"
    if _SIDEBAR.search(inserted_raw):
        return "sidebar"
    if _FURNITURE.search(inserted_raw):
        return "header/footer"
    visible = "".join(inserted_raw.split())
    if visible and len(_TABLE_TEXT.findall(visible)) >= 0.3 * len(visible):
        return "table/figure text"
    if _PAGE_NUMBER.search(inserted_raw):
        return "header/footer"
    return "short insertion" if len(visible) <= 100 else "long insertion"


def _match_length(a: str, a_start: int, b: str, b_start: int) -> int:
    """How many characters of a[a_start:] equal b[b_start:] from the start."""
    n = 0
    limit = min(len(a) - a_start, len(b) - b_start)
    # compare in chunks: long equal runs are the common case
    step = 256
    while n < limit:
        chunk = min(step, limit - n)
        if a[a_start + n : a_start + n + chunk] == b[b_start + n : b_start + n + chunk]:
            n += chunk
            continue
        while n < limit and a[a_start + n] == b[b_start + n]:
            n += 1
        break
    return n


def score_paragraphs(paper: str, paragraphs: list[str], text: str) -> Integrity:
    indexed = _Indexed(text)
    norm = indexed.norm
    result = Integrity()
    cursor = lenient_cursor = 0
    for paragraph in paragraphs:
        p = normalise(paragraph)
        if not _CONTROL.sub("", p):
            continue
        result.total += 1
        lenient = _pattern(p, lenient=True).search(norm, lenient_cursor)
        if lenient:
            result.intact_lenient += 1
            lenient_cursor = lenient.end()
        pattern = _pattern(p)
        found = pattern.search(norm, cursor)
        if found:
            result.intact += 1
            cursor = found.end()
            continue
        if pattern.search(norm):
            result.kinds["order"] += 1
            continue
        kind, snippet = _break(indexed, p, cursor)
        result.kinds[kind] += 1
        result.examples.append((paper, kind, snippet))
    return result


def _anchor(p: str, i: int) -> str:
    """Up to `_ANCHOR` characters of `p` from `i`, stopping at a citation mark."""
    return _MARKS.split(p[i : i + _ANCHOR])[0]


def _break(indexed: _Indexed, marked: str, cursor: int) -> tuple[str, str]:
    """Walk the paragraph along the text from where it starts; citation runs skip digits.
    The first place where the text goes its own way is the break."""
    norm = indexed.norm
    p, spans = _plain(marked)
    head = _anchor(p, 0) or _MARKS.sub("", p)[:_ANCHOR]
    j = norm.find(head, cursor)
    if j < 0:
        j = norm.find(head)
    if j < 0:
        return _start_lost(norm, p, spans)
    i = 0
    while i < len(p):
        if p[i] == _CITE:
            i += 1
            while j < len(norm) and norm[j].isdigit():
                j += 1
            continue
        if p[i] == _XREF:
            i += 1
            following = _anchor(p, i)
            at = norm.find(following, j, j + 40 + len(following)) if following else j
            j = at if at >= 0 else j
            continue
        k = _match_length(p, i, norm, j)
        i, j = i + k, j + k
        if i >= len(p) or p[i] in "\x00\x01":
            continue
        rest = _anchor(p, i)
        resume = norm.find(rest, j, j + _WINDOW + len(rest))
        if resume < 0:
            # a lost or substituted character or two: try the remainder a little later
            for skip in (1, 2, 3):
                rest = _anchor(p, i + skip)
                resume = norm.find(rest, j, j + 8 + len(rest)) if rest else -1
                if resume >= 0:
                    break
        if resume < 0:
            snippet = " ".join(indexed.raw_between(max(0, j - 40), j + 80).split())
            return _not_resumed(norm, p, spans, i, j, rest), snippet
        inserted = indexed.raw_between(j, resume)
        before = indexed.raw_between(max(0, j - 8), j)
        kind = _classify_insertion(inserted, resume - j, before)
        if kind not in ("caption", "header/footer", "sidebar"):
            kind = _near(spans, i) or kind
        return kind, " ".join(inserted.split())[:160]
    return "lost", "whole but not found by the pattern: " + p[:60]


def _not_resumed(
    norm: str, p: str, spans: list[tuple[int, int, str]], i: int, j: int, rest: str
) -> str:
    """The remainder of the paragraph from `i` does not resume within the window after `j`."""
    near = _near(spans, i)
    if near:
        return near
    if rest and norm.find(rest, 0, j) >= 0:
        return "piece earlier"
    if rest and norm.find(rest, j + _WINDOW) >= 0:
        return "long insertion"
    for skip in range(4, 400, 4):
        later = _anchor(p, i + skip)
        if len(later) < 12:
            continue
        resume = norm.find(later, j, j + 400 + skip)
        if resume >= 0:
            return "characters differ" if skip <= 40 and resume - j <= 80 else "text missing"
    return "lost"


def _start_lost(norm: str, p: str, spans: list[tuple[int, int, str]]) -> tuple[str, str]:
    """The paragraph's first characters are not in the text: where does it begin to be?"""
    snippet = "start not found: " + p[:60]
    for skip in range(8, min(len(p), 2000), 8):
        later = _anchor(p, skip)
        if len(later) >= 16 and norm.find(later) >= 0:
            jats_only = [kind for start, _end, kind in spans if start <= skip + _NEAR]
            return (jats_only[0] if jats_only else "start differs"), snippet
    return "lost", snippet
