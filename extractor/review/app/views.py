"""What the value page shows: the field, the model's verdict, the evidence, and the PDF
page with its quotes located. Pure reading; no request objects here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.document import Document
from extractor.review.app import pages
from extractor.review.app.inputs import Widget, widget
from extractor.review.app.workspace import Workspace
from extractor.review.corrections import field_revision
from extractor.review.records import CurrentRecord
from extractor.review.store import CorrectionRow, PaperRow
from schemas.extracted import Extracted
from schemas.form import FieldSpec

COLOURS = 3  # highlight colours, cycled over the quotes


@dataclass
class Quote:
    index: int
    quote: str
    page: int | None  # where the quote was found; None when it was not
    source: str  # "model" or "reviewer"
    alignment: str
    context: tuple[str, str, str] | None
    colour: int
    start: int | None = None  # located characters in Document.text
    end: int | None = None
    claimed_page: int | None = None  # the page the model named (kept apart: it may be wrong)

    @property
    def found(self) -> bool:
        return self.alignment != "not_found"


@dataclass
class PageView:
    number: int
    count: int
    aspect: float  # height / width, so the highlight layer matches the image
    boxes: list[tuple[int, str, pages.Box]] = field(default_factory=list)  # (colour, kind, box)
    paragraphs: list[list[pages.Segment]] = field(default_factory=list)
    approximate: bool = False
    lines: list[tuple[str, pages.Box]] = field(default_factory=list)  # selectable text layer


@dataclass
class ValueView:
    paper: PaperRow
    record: CurrentRecord
    spec: FieldSpec
    current: dict[str, Any]  # the value as the page shows it (JSON)
    made: dict[str, Any]  # the model's value, before any correction (JSON)
    revision: str
    quotes: list[Quote]
    history: list[CorrectionRow]
    widget: Widget
    page: PageView | None
    hits: list[pages.Hit]
    query: str
    correction: CorrectionRow | None = None  # the reviewer's decision that stands, if any


def value_view(
    ws: Workspace,
    paper: PaperRow,
    record: CurrentRecord,
    spec: FieldSpec,
    *,
    page_number: int | None,
    query: str,
    entered: Widget | None = None,
) -> ValueView:
    current = record.record.get(spec.name) or Extracted[Any]()
    made = (record.model_version.record if record.model_version else {}).get(spec.name)
    document = ws.document(paper)
    quotes = _quotes(current, made, document)
    history = [
        c
        for c in ws.store().corrections(paper.paper_id)
        if c.field == spec.name and c.target_id == record.target_id
    ]
    pdf = ws.pdf_path(paper)
    page = None
    if pdf is not None:
        # the first found quote's page; else the page a not-found quote was claimed on
        first = next((q.page for q in quotes if q.page), None) or next(
            (q.claimed_page for q in quotes if q.claimed_page), None
        )
        page = _page_view(ws, paper, pdf, document, quotes, page_number or first or 1, query)
    return ValueView(
        paper=paper,
        record=record,
        spec=spec,
        current=current.model_dump(mode="json"),
        made=made.model_dump(mode="json") if made else {},
        revision=field_revision(record, spec.name),
        quotes=quotes,
        history=list(reversed(history)),
        widget=entered or widget(spec, current.value),
        page=page,
        hits=pages.search(document, query) if document is not None and query else [],
        query=query,
        correction=record.corrected.get(spec.name),
    )


def _quotes(
    current: Extracted[Any], made: Extracted[Any] | None, document: Document | None
) -> list[Quote]:
    seen: set[str] = set()
    out: list[Quote] = []
    made_evidence = made.evidence if made else []
    model_quotes = {e.quote for e in made_evidence}
    for evidence in [*current.evidence, *made_evidence]:
        text = evidence.quote
        if not text or text in seen:
            continue
        seen.add(text)
        start, end = evidence.char_start, evidence.char_end
        ctx = None
        if document is not None and isinstance(start, int) and isinstance(end, int):
            ctx = pages.context(document, start, end)
        alignment = evidence.alignment.value
        found = evidence.grounded
        out.append(
            Quote(
                index=len(out),
                quote=text,
                # a quote not found in the paper has no page: the model's claim is not one
                page=(evidence.page or evidence.claimed_page) if found else None,
                source="model" if text in model_quotes else "reviewer",
                alignment=alignment,
                context=ctx,
                colour=len(out) % COLOURS,
                start=start if ctx else None,
                end=end if ctx else None,
                claimed_page=evidence.claimed_page,
            )
        )
    return out


def _page_view(
    ws: Workspace,
    paper: PaperRow,
    pdf: Path,
    document: Document | None,
    quotes: list[Quote],
    number: int,
    query: str,
) -> PageView | None:
    number = min(max(number, 1), ws.words.get(pdf, paper.sha256, 1).geometry.count)
    data = ws.words.get(pdf, paper.sha256, number)
    geometry, words = data.geometry, data.words
    view = PageView(number, geometry.count, geometry.height / geometry.width, lines=data.lines)
    ranges: list[tuple[int, int, int]] = []
    evidence_ranges = _ranges(document, quotes)
    for q in quotes:
        if q.page not in (None, number):
            continue
        boxes = pages.locate(words, q.quote)
        if not boxes and document is not None and q.index in evidence_ranges:
            start, end = evidence_ranges[q.index]
            boxes = pages.span_boxes(document, geometry, number, start, end)
            view.approximate = view.approximate or bool(boxes)
        view.boxes.extend((q.colour, "quote", b) for b in boxes)
    for index, (start, end) in evidence_ranges.items():
        ranges.append((start, end, index))
    if query:
        view.boxes.extend((0, "hit", b) for b in pages.locate_all(words, query))
    view.paragraphs = pages.page_text(document, number, ranges)
    return view


def _ranges(document: Document | None, quotes: list[Quote]) -> dict[int, tuple[int, int]]:
    """Where each quote sits in the parsed text (the first exact occurrence)."""
    if document is None:
        return {}
    out = {}
    for q in quotes:
        if q.start is not None and q.end is not None:
            out[q.index] = (q.start, q.end)
            continue
        at = document.text.find(q.quote)
        if at >= 0:
            out[q.index] = (at, at + len(q.quote))
    return out
