"""Find each evidence quote in the paper's text, or say plainly that it is not there.

Quotes from a model rarely match PDF text byte for byte: line breaks, words
hyphenated at line ends, ligatures, curly quotes and dashes all differ. Both
sides are normalised to a comparison key (whitespace dropped, case folded,
look-alike characters unified) that keeps a map back to the original offsets.
An exact match of the keys comes first; otherwise rapidfuzz aligns the quote
against a few candidate windows (found through shared 8-character chunks),
so the time per quote stays bounded whatever the paper's length. A near miss
may differ in letters, never in numbers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.document import Document
from schemas.extracted import AlignmentStatus, Evidence
from schemas.numbers import number_counts

FUZZY_THRESHOLD = 90.0
_CHUNK = 8
_MAX_WINDOWS = 12

_TRANSLATE = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    "\u00d7": "x",
}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


def fold_char(ch: str) -> str:
    """One character as the comparison key sees it (may be two: ligatures)."""
    ch = _TRANSLATE.get(ch, ch)
    if ord(ch) > 127:
        ch = unicodedata.normalize("NFKC", ch)  # ligatures (ﬁ -> fi), full-width forms
        ch = "".join(_TRANSLATE.get(c, c) for c in ch)
    return ch.lower()


def normalise(text: str) -> tuple[str, list[int]]:
    """Comparison key of `text` and, per key character, its offset in `text`."""
    key: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _DROP or ch.isspace():
            i += 1
            continue
        if ch in "-\u2010\u2011" and i + 1 < n and text[i + 1] in "\r\n":
            # A hyphen at a line end splits a word in the PDF: drop it and the break.
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j].islower():
                i = j
                continue
        for c in fold_char(ch):
            if not c.isspace():
                key.append(c)
                offsets.append(i)
        i += 1
    return "".join(key), offsets


@dataclass
class _Match:
    start: int  # in the key
    end: int
    score: float


class Grounder:
    """Locates quotes in one document (the normalised text is built once)."""

    def __init__(self, document: Document, threshold: float = FUZZY_THRESHOLD) -> None:
        self.document = document
        self.threshold = threshold
        self._key, self._offsets = normalise(document.text)

    def ground(self, quote: str, page: int | None = None) -> Evidence:
        """Evidence for `quote`; `page` (the model's claim) only breaks ties and is kept
        apart as `claimed_page`: `page` is where the quote was found, or None."""
        if page is not None and not 1 <= page <= self.document.source.pages:
            page = None  # a page the paper does not have is no claim at all
        qkey, _ = normalise(quote)
        if not qkey:
            return Evidence(quote=quote, claimed_page=page, match_score=0.0)
        match = self._exact(qkey, page) or self._fuzzy(qkey)
        if match is None or match.score < self.threshold:
            score = match.score if match else 0.0
            return Evidence(quote=quote, claimed_page=page, match_score=round(score, 1))
        char_start = self._offsets[match.start]
        char_end = self._offsets[match.end - 1] + 1
        section = self.document.section_at(char_start)
        if match.score < 100.0:
            alignment = AlignmentStatus.fuzzy
        elif self.document.text[char_start:char_end] == quote:
            alignment = AlignmentStatus.exact
        else:
            alignment = AlignmentStatus.normalised
        return Evidence(
            quote=quote,
            page=self.document.page_at(char_start),
            claimed_page=page,
            section=section.heading if section else None,
            char_start=char_start,
            char_end=char_end,
            alignment=alignment,
            match_score=round(match.score, 1),
        )

    def _exact(self, qkey: str, page: int | None) -> _Match | None:
        first = self._key.find(qkey)
        if first < 0:
            return None
        if page is not None:  # the same words can occur twice: prefer the page the model named
            at = first
            while at >= 0:
                if self.document.page_at(self._offsets[at]) == page:
                    return _Match(at, at + len(qkey), 100.0)
                at = self._key.find(qkey, at + 1)
        return _Match(first, first + len(qkey), 100.0)

    def _candidate_starts(self, qkey: str) -> list[int]:
        # Where do pieces of the quote occur? Each hit suggests where the quote would start.
        votes: dict[int, int] = {}
        step = max(1, min(_CHUNK, len(qkey) // 8))
        for i in range(0, max(1, len(qkey) - _CHUNK + 1), step):
            chunk = qkey[i : i + _CHUNK]
            at = self._key.find(chunk)
            hits = 0
            while at >= 0 and hits < 20:
                bucket = max(0, at - i) // 16
                votes[bucket] = votes.get(bucket, 0) + 1
                at = self._key.find(chunk, at + 1)
                hits += 1
        best = sorted(votes, key=lambda b: -votes[b])[:_MAX_WINDOWS]
        return [b * 16 for b in best]

    def _fuzzy(self, qkey: str) -> _Match | None:
        if len(qkey) < _CHUNK:
            return None  # too short to tell a near miss from chance
        pad = len(qkey) // 2 + 16
        best: _Match | None = None  # best match whose numbers agree
        closest = 0.0  # best score of any alignment, for the record
        for start in self._candidate_starts(qkey):
            lo = max(0, start - pad)
            window = self._key[lo : start + len(qkey) + pad]
            res = fuzz.partial_ratio_alignment(qkey, window)
            if res is None or res.dest_end <= res.dest_start:
                continue
            closest = max(closest, res.score)
            match = _Match(lo + res.dest_start, lo + res.dest_end, res.score)
            if (best is None or match.score > best.score) and self._numbers_agree(qkey, match):
                best = match
        if best is None or best.score < self.threshold:
            # Report how close the paper came, capped below the threshold.
            return _Match(0, 0, min(closest, self.threshold - 0.1)) if closest else None
        return best

    def _numbers_agree(self, qkey: str, match: _Match) -> bool:
        # Near misses may differ in letters (typos, OCR), never in numbers: a quote
        # with 54.2 where the paper prints 45.2 is not evidence for 54.2.
        region = self._key[max(0, match.start - 4) : match.end + 4]
        return number_counts(qkey) <= number_counts(region)


def ground(document: Document, quote: str, page: int | None = None) -> Evidence:
    """Locate one quote in `document` (use `Grounder` for many quotes of one paper)."""
    return Grounder(document).ground(quote, page)
