"""Paragraph integrity (issue 20): the share of a paper's JATS body paragraphs that appear
whole and in order in a parser's text.

Paragraphs are compared as lower-case letters and digits only (spacing, punctuation and
citation style do not count): accents are folded (NFKD, so "ñ" and a PDF's "˜n" both read
"n"), and a run of numeric citations (`<xref ref-type="bibr">`) matches any run of digits
in the parser's text ("[16-20]" printed, "16,17,18,19,20" in the XML), a run of figure and
table references any short run of letters and digits ("Figures 1-4" printed, "Figure 1,
Figure 2, Figure 3 and Figure 4" in the XML). Left out:
paragraphs inside tables, figures, boxes and supplementary material, and those under 80
characters.

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
- other: the remainder is not found near the break (a lost piece, a heading in the middle,
  anything else).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MIN_CHARS = 80
KINDS = ("caption", "header/footer", "sidebar", "split word", "order", "other")
_EXCLUDED = {"table-wrap", "fig", "boxed-text", "supplementary-material", "table", "caption"}
_NOT_ALNUM = re.compile(r"[^a-z0-9\x00\x01]+")
_CITE = "\x00"  # a numeric citation run in a gold paragraph
_XREF = "\x01"  # a run of figure/table references ("Figures 1-4" printed)
_CITE_RUN = re.compile("\x00+")
_XREF_RUN = re.compile(r"\x01(?:[\s,;]*(?:and|&)?[\s,;]*\x01)+")
_MARKS = re.compile("([\x00\x01])")
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
    r"published by|journal|vol\.|volume|\bpage\b|downloaded from|open access|"
    r"^\s*\d{1,4}\s*$|\n\s*\d{1,4}\s*\n)",
    re.IGNORECASE | re.MULTILINE,
)


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _paragraph_text(element: ET.Element) -> str:
    """The paragraph's text with each numeric citation replaced by `_CITE`."""
    parts: list[str] = [element.text or ""]
    for child in element:
        cite = child.tag == "xref" and child.get("ref-type") == "bibr"
        inner = "".join(child.itertext())
        if cite and _NUMERIC_CITE.match(inner):
            parts.append(_CITE)
        elif child.tag == "xref" and child.get("ref-type") in _FLOAT_XREFS:
            parts.append(_XREF)
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return _XREF_RUN.sub(_XREF, "".join(parts))


def gold_paragraphs(nxml: Path) -> list[str]:
    """The `<p>`s of `<body>` in document order, outside tables/figures/boxes, >= 80 chars."""
    body = ET.parse(nxml).getroot().find("body")
    out: list[str] = []

    def walk(element: ET.Element) -> None:
        for child in element:
            if child.tag in _EXCLUDED:
                continue
            if child.tag == "p":
                if len(_text(child)) >= MIN_CHARS:
                    out.append(" ".join(_paragraph_text(child).split()))
                continue  # a <p> is counted whole, lists inside it included
            walk(child)

    if body is not None:
        walk(body)
    return out


def _fold(ch: str) -> str:
    """One character as lower-case ASCII letters/digits (accents dropped), maybe empty."""
    if ch < "\x80":
        ch = ch.lower()
        return ch if ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch in "\x00\x01" else ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", ch).lower())


def normalise(text: str) -> str:
    return _CITE_RUN.sub(_CITE, "".join(_fold(ch) for ch in text))


def _pattern(p: str) -> re.Pattern[str]:
    gaps = {_CITE: "[0-9]{0,40}", _XREF: "[a-z0-9]{0,40}?"}
    return re.compile("".join(gaps.get(part, re.escape(part)) for part in _MARKS.split(p)))


class _Indexed:
    """A parser's text normalised, with the raw offset of each normalised character."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        chars: list[str] = []
        where: list[int] = []
        for i, ch in enumerate(raw.replace(_CITE, " ").replace(_XREF, " ")):
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
    kinds: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (paper, kind, snippet)

    def add(self, other: Integrity) -> None:
        self.intact += other.intact
        self.total += other.total
        self.kinds.update(other.kinds)
        self.examples.extend(other.examples)

    @property
    def share(self) -> float:
        return self.intact / self.total if self.total else 0.0


def _classify(inserted_raw: str, inserted_norm: int, resumed: bool) -> str:
    if not resumed:
        return "other"
    if inserted_norm <= 3:
        return "split word"
    if _CAPTION.search(inserted_raw[:400]):
        return "caption"
    if _SIDEBAR.search(inserted_raw):
        return "sidebar"
    if _FURNITURE.search(inserted_raw):
        return "header/footer"
    return "other"


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
    cursor = 0
    for paragraph in paragraphs:
        p = normalise(paragraph)
        if not p:
            continue
        result.total += 1
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


def _break(indexed: _Indexed, p: str, cursor: int) -> tuple[str, str]:
    """Walk the paragraph along the text from where it starts; citation runs skip digits.
    The first place where the text goes its own way is the break."""
    norm = indexed.norm
    head = _MARKS.split(p)[0][:_ANCHOR] or _MARKS.sub("", p)[:_ANCHOR]
    j = norm.find(head, cursor)
    if j < 0:
        j = norm.find(head)
    if j < 0:
        return "other", "start not found: " + p[:60]
    i = 0
    while i < len(p):
        if p[i] == _CITE:
            i += 1
            while j < len(norm) and norm[j].isdigit():
                j += 1
            continue
        if p[i] == _XREF:
            i += 1
            following = _MARKS.split(p[i : i + _ANCHOR])[0]
            at = norm.find(following, j, j + 40 + len(following)) if following else j
            j = at if at >= 0 else j
            continue
        k = _match_length(p, i, norm, j)
        i, j = i + k, j + k
        if i >= len(p) or p[i] in "\x00\x01":
            continue
        rest = _MARKS.split(p[i : i + _ANCHOR])[0]
        resume = norm.find(rest, j, j + _WINDOW + len(rest))
        if resume < 0:
            # a lost or substituted character or two: try the remainder a little later
            for skip in (1, 2, 3):
                rest = _MARKS.split(p[i + skip : i + skip + _ANCHOR])[0]
                resume = norm.find(rest, j, j + 8 + len(rest)) if rest else -1
                if resume >= 0:
                    break
        if resume < 0:
            snippet = indexed.raw_between(max(0, j - 40), j + 80)
            return "other", " ".join(snippet.split())
        inserted = indexed.raw_between(j, resume)
        kind = _classify(inserted, resume - j, True)
        return kind, " ".join(inserted.split())[:160]
    return "other", "whole but not found by the pattern: " + p[:60]
