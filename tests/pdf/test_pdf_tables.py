"""Tables without ruling lines: `Table.rows` read from word positions under the caption."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

import extractor.pdf.tables as tables_module
from extractor.pdf import parse_pdf

_BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=14, spaceAfter=5)
_HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceAfter=4)
_CAPTION = ParagraphStyle("caption", fontName="Helvetica", fontSize=8, leading=10, spaceAfter=4)
_CELL_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
)  # no GRID / LINEABOVE: nothing for a ruling-line detector to find

ROWS = [
    ["Characteristic", "Intervention", "Control", "P value"],
    ["Age, years", "54.2 (8.1)", "55.0 (7.9)", "0.61"],
    ["Women, n (%)", "41 (48.2)", "39 (45.9)", "0.77"],
    ["BMI, kg/m2", "27.3 (4.4)", "26.8 (4.1)", "0.45"],
    ["Smokers, n (%)", "12 (14.1)", "15 (17.6)", "0.53"],
]
PROSE = (
    "The groups were well balanced at baseline and no participant was lost before the first "
    "visit, so that every analysis below follows the intention to treat principle as planned "
    "in the registered protocol of the trial. "
)


def _build(path: Path, story: list, columns: int) -> Path:
    width, height = A4
    margin = 20 * mm
    gutter = 6 * mm
    frame_w = (width - 2 * margin - gutter * (columns - 1)) / columns
    frames = [
        Frame(margin + i * (frame_w + gutter), margin, frame_w, height - 2 * margin, id=f"c{i}")
        for i in range(columns)
    ]
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    doc.addPageTemplates([PageTemplate(id="page", frames=frames)])
    doc.build(story)
    return path


def _paper(path: Path, columns: int, table_rows: list[list[str]] | None) -> Path:
    story: list = [Paragraph("Results", _HEAD), Paragraph(PROSE * 2, _BODY)]
    story.append(Paragraph("Table 1. Baseline characteristics of the participants", _CAPTION))
    if table_rows is not None:
        story.append(Table(table_rows, style=_CELL_STYLE, hAlign="LEFT"))
    story += [Spacer(1, 14), Paragraph("Discussion", _HEAD)]
    story += [Paragraph(PROSE * 3, _BODY) for _ in range(4 if columns == 2 else 2)]
    return _build(path, story, columns)


def _only_table(doc) -> list[list[str]]:
    assert len(doc.tables) == 1
    assert doc.tables[0].caption.startswith("Table 1.")
    return doc.tables[0].rows


def test_borderless_table_rows_match_the_drawn_cells(tmp_path: Path) -> None:
    doc = parse_pdf(_paper(tmp_path / "one.pdf", 1, ROWS))
    assert _only_table(doc) == ROWS


def test_borderless_table_in_a_column_leaves_the_other_column_out(tmp_path: Path) -> None:
    doc = parse_pdf(_paper(tmp_path / "two.pdf", 2, ROWS))
    assert _only_table(doc) == ROWS


def test_caption_without_a_grid_below_keeps_rows_empty(tmp_path: Path) -> None:
    doc = parse_pdf(_paper(tmp_path / "none.pdf", 1, None))
    assert _only_table(doc) == []


def test_rows_do_not_change_the_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _paper(tmp_path / "same.pdf", 2, ROWS)
    with_rows = parse_pdf(pdf)
    monkeypatch.setattr(tables_module, "BORDERLESS", False)
    without = parse_pdf(pdf)
    assert without.tables[0].rows == []
    assert with_rows.text == without.text
    # the cells stay in the reading order exactly once
    assert with_rows.text.count("27.3 (4.4)") == 1


def test_header_rows_of_a_borderless_table(tmp_path: Path) -> None:
    doc = parse_pdf(_paper(tmp_path / "head.pdf", 1, ROWS))
    table = doc.tables[0]
    assert table.header_rows == 1
    assert table.rows[0] == ROWS[0]
    assert [row[0] for row in table.rows[1:]] == [row[0] for row in ROWS[1:]]


TWO_LEVEL = [
    ["Characteristic", "Intervention (n = 85)", "", "Control (n = 84)", ""],
    ["", "Mean", "SD", "Mean", "SD"],
    ["Age, years", "54.2", "8.1", "55.0", "7.9"],
    ["BMI, kg/m2", "27.3", "4.4", "26.8", "4.1"],
    ["Weight, kg", "81.5", "12.2", "80.9", "11.7"],
]


def test_two_header_rows_and_a_label_over_two_columns(tmp_path: Path) -> None:
    doc = parse_pdf(_paper(tmp_path / "two.pdf", 1, TWO_LEVEL))
    table = doc.tables[0]
    assert table.header_rows == 2
    assert table.rows[0][1:] == ["Intervention (n = 85)"] * 2 + ["Control (n = 84)"] * 2
    assert table.rows[1][1:] == ["Mean", "SD", "Mean", "SD"]
    assert table.rows[2] == TWO_LEVEL[2]
