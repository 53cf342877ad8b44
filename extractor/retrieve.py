"""Passages of a paper most likely to hold a field's answer, for the agent's follow-ups.

Lexical retrieval with BM25 (`bm25s`, a maintained sparse-matrix implementation)
over the paper cut into passages: section paragraphs, figure and table captions, and
table rows written out with their column headers ("Death | Aspirin: 12/60 | Placebo:
20/60"), because a bare row of numbers means nothing without its header. The query
is the field's name, description and vocabulary, plus the target's intervention,
comparator and outcome for targeted forms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s

from extractor.document import Document
from schemas.form import FieldSpec

MAX_PASSAGE_CHARS = 900


@dataclass(frozen=True)
class Passage:
    text: str
    page: int | None
    where: str  # "section 3 Results", "Table 2", "Figure 1 caption"
    char_start: int | None = None  # in Document.text, when the passage is a span of it


def passages(document: Document) -> list[Passage]:
    out: list[Passage] = []
    for section in document.sections:
        where = f"section {section.heading}" if section.heading else "text"
        offset = section.char_start
        for paragraph in re.split(r"\n\s*\n", section.text):
            for piece in _pieces(paragraph):
                if piece.strip():
                    at = document.text.find(piece, offset)
                    start = at if at >= 0 else None
                    page = document.page_at(start) if start is not None else section.page_start
                    out.append(Passage(piece.strip(), page, where, start))
                    if at >= 0:
                        offset = at + len(piece)
    for number, table in enumerate(document.tables, start=1):
        label = (table.caption or f"Table {number}").strip()
        at = table.char_start
        out.append(Passage(label[:MAX_PASSAGE_CHARS], table.page, f"Table {number} caption", at))
        rows = [[(c or "").strip() for c in row] for row in table.rows]
        if len(rows) < 2:
            continue
        header = rows[0]
        for row in rows[1:]:
            cells = [
                f"{head}: {cell}" if head and i > 0 else cell
                for i, (head, cell) in enumerate(zip(header, row, strict=False))
                if cell
            ]
            if cells:
                text = f"{label[:120]} | " + " | ".join(cells)
                out.append(Passage(text[:MAX_PASSAGE_CHARS], table.page, f"Table {number}", at))
    for figure in document.figures:
        if figure.caption.strip():
            out.append(Passage(figure.caption[:MAX_PASSAGE_CHARS], figure.page, "figure caption"))
    return out


def _pieces(paragraph: str) -> list[str]:
    if len(paragraph) <= MAX_PASSAGE_CHARS:
        return [paragraph]
    sentences = re.split(r"(?<=[.;])\s+", paragraph)
    out, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > MAX_PASSAGE_CHARS:
            out.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def field_query(spec: FieldSpec, target: object | None = None) -> str:
    words = [spec.name.replace("_", " "), spec.description, *spec.choices]
    words += [s.name.replace("_", " ") for s in spec.item_fields]
    if target is not None:
        words += [getattr(target, k, "") for k in ("intervention", "comparator", "outcome")]
    return " ".join(w for w in words if w)


class Retriever:
    """A BM25 index over one paper's passages, built once."""

    def __init__(self, document: Document) -> None:
        self.passages = passages(document) or [Passage(document.text[:MAX_PASSAGE_CHARS], 1, "")]
        tokens = bm25s.tokenize(
            [p.text for p in self.passages], stopwords="en", show_progress=False
        )
        # A paper with no indexable word (no text layer, or only numbers and stopwords)
        # gets no index: bm25s would fail on it (`max()` of an empty vocabulary) after a
        # RuntimeWarning (average passage length 0); searching it simply finds nothing.
        self._index: bm25s.BM25 | None = None
        if tokens.vocab:
            self._index = bm25s.BM25()
            self._index.index(tokens, show_progress=False)
        self._lock = threading.Lock()  # the index is not documented as thread-safe

    def search(self, query: str, k: int = 4) -> list[Passage]:
        k = min(k, len(self.passages))
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab or self._index is None:
            return []
        with self._lock:
            ids, scores = self._index.retrieve(tokens, k=k, show_progress=False)
        return [self.passages[int(i)] for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    def for_fields(
        self, specs: Sequence[FieldSpec], target: object | None = None, k: int = 4
    ) -> list[Passage]:
        """The best passages for several fields, each field's best first, no repeats."""
        chosen: dict[str, Passage] = {}
        for spec in specs:
            for passage in self.search(field_query(spec, target), k=k):
                chosen.setdefault(passage.text, passage)
        return list(chosen.values())[: max(k, 2 * len(specs) + 2)]
