"""Render a `Paper` as a two-column journal-style PDF with reportlab.

Deterministic: `invariant=1` fixes dates and ids, so the same paper gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from extractor.examples.model import Paper, TableSpec

PAGE_W, PAGE_H = A4
MARGIN = 22 * mm
GUTTER = 6 * mm
COLUMN_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2
HEADER_H = 62 * mm  # first-page band for title, authors and abstract

_BODY = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=10.5, leading=14, alignment=4, spaceAfter=5
)
_TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=19, spaceAfter=6)
_AUTHORS = ParagraphStyle("authors", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=2)
_AFFIL = ParagraphStyle("affil", fontName="Helvetica-Oblique", fontSize=8, leading=10, spaceAfter=6)
_ABSTRACT = ParagraphStyle("abstract", parent=_BODY, fontSize=9, leading=11.5)
_H1 = ParagraphStyle(
    "h1", fontName="Helvetica-Bold", fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4
)
_H2 = ParagraphStyle(
    "h2", fontName="Helvetica-Bold", fontSize=10, leading=12.5, spaceBefore=6, spaceAfter=3
)
_CAPTION = ParagraphStyle(
    "caption", fontName="Helvetica", fontSize=8, leading=10, spaceBefore=4, spaceAfter=6
)
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9)
_REF = ParagraphStyle(
    "ref",
    fontName="Times-Roman",
    fontSize=8,
    leading=10,
    leftIndent=10,
    firstLineIndent=-10,
    spaceAfter=2,
)


def _page_furniture(paper: Paper):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(MARGIN, PAGE_H - 11 * mm, f"{paper.journal} ({paper.year})")
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 11 * mm, paper.short_title)
        canvas.drawCentredString(PAGE_W / 2, 10 * mm, str(doc.page))
        canvas.restoreState()

    return draw


def _figure(width: float) -> Drawing:
    """A small bar chart drawn with vector graphics (a Drawing is itself a flowable)."""
    height = 38 * mm
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, strokeColor=colors.grey, fillColor=None))
    heights = (0.35, 0.55, 0.7, 0.62, 0.8)
    bar_w = width / (2 * len(heights) + 1)
    for i, h in enumerate(heights):
        d.add(
            Rect(
                bar_w * (2 * i + 1),
                8,
                bar_w,
                (height - 16) * h,
                fillColor=colors.HexColor("#6a8caf"),
                strokeColor=None,
            )
        )
    d.add(Line(4, 8, width - 4, 8, strokeColor=colors.black))
    d.add(String(4, height - 10, "A", fontName="Helvetica-Bold", fontSize=8))
    return d


def _column_widths(spec: TableSpec, width: float) -> list[float]:
    # Columns as wide as their longest word (so no word is split across lines), the
    # rest of the width shared in proportion to each column's longest cell.
    columns = list(zip(spec.header, *spec.rows, strict=True))
    pad = 12.0 + 4.0  # reportlab cell padding (6 + 6) and a margin

    def text_width(text: str) -> float:
        return stringWidth(text, _CELL.fontName, _CELL.fontSize)

    least = [max(text_width(w) for c in col for w in c.split()) + pad for col in columns]
    natural = [max(text_width(c) for c in col) + pad for col in columns]
    spare = max(0.0, width - sum(least))
    extra = [n - m for n, m in zip(natural, least, strict=True)]
    share = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
    widths = [m + e * share for m, e in zip(least, extra, strict=True)]
    return [w * width / sum(widths) for w in widths] if sum(widths) > width else widths


def _table(spec: TableSpec, width: float) -> list[Flowable]:
    data = [[Paragraph(escape(c), _CELL) for c in spec.header]]
    data += [[Paragraph(escape(c), _CELL) for c in row] for row in spec.rows]
    table = Table(data, colWidths=_column_widths(spec, width))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [KeepTogether([Paragraph(escape(spec.caption), _CAPTION), table, Spacer(1, 6)])]


def _story(paper: Paper) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(escape(paper.title), _TITLE),
        Paragraph(escape(", ".join(paper.authors)), _AUTHORS),
        Paragraph(escape(paper.affiliation), _AFFIL),
        Paragraph(f"<b>Abstract</b> {escape(paper.abstract)}", _ABSTRACT),
        Paragraph(
            f"<b>Keywords:</b> {escape('; '.join(paper.keywords))}. "
            f"doi: {escape(paper.doi)}. This is a synthetic example paper generated by "
            "litextract; all data are fictitious.",
            _AFFIL,
        ),
        NextPageTemplate("later"),
        FrameBreak(),
    ]
    for section in paper.sections:
        level = 2 if "." in section.heading.split(" ", 1)[0] else 1
        story.append(CondPageBreak(40))
        story.append(Paragraph(escape(section.heading), _H1 if level == 1 else _H2))
        for text in section.paragraphs:
            story.append(Paragraph(escape(text), _BODY))
        if section.heading == paper.table.after_section:
            story.extend(_table(paper.table, COLUMN_W))
        for extra in paper.extra_tables:
            if section.heading == extra.after_section:
                story.extend(_table(extra, COLUMN_W))
        if section.heading == paper.figure_after:
            story.append(_figure(COLUMN_W))
            story.append(Paragraph(escape(paper.figure_caption), _CAPTION))
    story.append(Paragraph("References", _H1))
    for i, ref in enumerate(paper.references, start=1):
        story.append(Paragraph(f"{i}. {escape(ref)}", _REF))
    return story


def render(paper: Paper, out: Path) -> None:
    """Write `paper` as a PDF at `out` (overwritten)."""
    first_frames = [
        Frame(
            MARGIN,
            PAGE_H - MARGIN - HEADER_H,
            PAGE_W - 2 * MARGIN,
            HEADER_H,
            id="head",
            leftPadding=0,
            rightPadding=0,
        ),
        Frame(
            MARGIN,
            MARGIN,
            COLUMN_W,
            PAGE_H - 2 * MARGIN - HEADER_H - 4 * mm,
            id="l1",
            leftPadding=0,
            rightPadding=0,
        ),
        Frame(
            MARGIN + COLUMN_W + GUTTER,
            MARGIN,
            COLUMN_W,
            PAGE_H - 2 * MARGIN - HEADER_H - 4 * mm,
            id="r1",
            leftPadding=0,
            rightPadding=0,
        ),
    ]
    later_frames = [
        Frame(MARGIN, MARGIN, COLUMN_W, PAGE_H - 2 * MARGIN, id="l", leftPadding=0, rightPadding=0),
        Frame(
            MARGIN + COLUMN_W + GUTTER,
            MARGIN,
            COLUMN_W,
            PAGE_H - 2 * MARGIN,
            id="r",
            leftPadding=0,
            rightPadding=0,
        ),
    ]
    furniture = _page_furniture(paper)
    doc = BaseDocTemplate(
        str(out),
        pagesize=A4,
        title=paper.title,
        author=", ".join(paper.authors),
        subject=f"doi:{paper.doi}",
        creator="litextract examples",
        invariant=1,
    )
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=first_frames, onPage=furniture),
            PageTemplate(id="later", frames=later_frames, onPage=furniture),
        ]
    )
    doc.build(_story(paper))
