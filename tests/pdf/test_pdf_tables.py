"""Tables without ruling lines: `Table.rows` read from word positions under the caption."""

from __future__ import annotations

from pathlib import Path

import pymupdf
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
from extractor.pdf.captions import figure_label, table_label

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


def _paper_styled(
    path: Path, table_rows: list[list[str]], extra: list[tuple], widths: list[float] | None = None
) -> Path:
    story: list = [Paragraph("Results", _HEAD), Paragraph(PROSE * 2, _BODY)]
    story.append(Paragraph("Table 1. Characteristics at baseline and follow-up", _CAPTION))
    style = TableStyle(list(_CELL_STYLE.getCommands()) + extra)
    story.append(Table(table_rows, colWidths=widths, style=style, hAlign="LEFT"))
    story += [Spacer(1, 14), Paragraph("Discussion", _HEAD), Paragraph(PROSE * 3, _BODY)]
    return _build(path, story, 1)


# "Baseline" centred over its two arms, whose values are set flush right: it reaches into
# both columns, its middle in the gutter between them, past the gutter's middle
CENTRED = [
    ["Variable", "Baseline", "", "12 months", ""],
    ["", "Control", "Intervention", "Control", "Intervention"],
    ["Male", "244 (49.1%)", "299 (48.2%)", "219 (48.5%)", "268 (46.3%)"],
    ["Female", "254 (51.2%)", "329 (52.7%)", "233 (52.3%)", "311 (54.1%)"],
    ["Obese", "29 (6.0%)", "27 (4.8%)", "25 (7.6%)", "24 (5.7%)"],
]


def test_heading_centred_over_two_columns_heads_both(tmp_path: Path) -> None:
    pdf = _paper_styled(
        tmp_path / "centred.pdf",
        CENTRED,
        [
            ("SPAN", (1, 0), (2, 0)),
            ("SPAN", (3, 0), (4, 0)),
            ("ALIGN", (1, 0), (-1, 0), "CENTER"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ],
        [60, 50, 50, 50, 50],
    )
    table = parse_pdf(pdf).tables[0]
    assert table.header_rows == 2
    assert table.rows[0] == ["Variable"] + ["Baseline"] * 2 + ["12 months"] * 2
    assert table.rows[2] == CENTRED[2]


# the outcome printed once, beside its first timepoint
STUB = [
    ["Variable", "Week", "n", "Mean", "P value"],
    ["MMSE-J", "12", "55", "0.31", "0.94"],
    ["", "24", "50", "0.06", "0.82"],
    ["", "28", "25", "-0.12", "0.58"],
    ["GDS-S-J", "12", "55", "0.33", "0.44"],
    ["", "24", "50", "0.20", "0.91"],
    ["", "28", "25", "0.72", "0.48"],
]


def test_row_label_printed_once_for_its_timepoints_labels_each(tmp_path: Path) -> None:
    table = parse_pdf(_paper_styled(tmp_path / "stub.pdf", STUB, [])).tables[0]
    assert table.rows[0] == STUB[0]
    assert [row[:2] for row in table.rows[1:]] == [
        ["MMSE-J", "12"],
        ["MMSE-J", "24"],
        ["MMSE-J", "28"],
        ["GDS-S-J", "12"],
        ["GDS-S-J", "24"],
        ["GDS-S-J", "28"],
    ]
    assert [row[2:] for row in table.rows[1:]] == [row[2:] for row in STUB[1:]]


def _turned_table_paper(path: Path) -> Path:
    """Page 1 prose; page 2 a table set sideways (its lines read bottom to top), as a
    landscape table is printed on an upright page."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 72), "Results", fontsize=12)
    for i in range(12):
        page.insert_text((72, 100 + 14 * i), PROSE[:90], fontsize=10)
    page = doc.new_page(width=595, height=842)

    def sideways(along: float, down: float, text: str, size: float = 7.5) -> None:
        # `along` runs up the page, `down` to the right: the page turned a quarter clockwise
        page.insert_text((down, 842 - along), text, fontsize=size, rotate=90)

    sideways(80, 80, "Table 2. Changes in body weight from baseline to 24 months", 8)
    top = [("Intervention", 232), ("Control", 412)]
    for text, at in top:
        sideways(at, 100, text)
    sub = ["Baseline (n = 645)", "24 m (n = 560)", "Baseline (n = 505)", "24 m (n = 425)"]
    for j, text in enumerate(sub):
        sideways(180 + 90 * j, 112, text)
    for j in range(4):
        sideways(180 + 90 * j, 121, "mean (95% CI)")
    body = [
        ("Weight (kg)", ["50.08 (48.83, 51.34)", "61.08 (59.83, 62.34)"] * 2),
        ("BMI (kg m-2)", ["20.27 (19.76, 20.78)", "21.86 (21.34, 22.37)"] * 2),
        ("BMI z-score", ["0.62 (0.47, 0.77)", "0.69 (0.54, 0.84)"] * 2),
    ]
    for i, (label, values) in enumerate(body):
        sideways(80, 136 + 10 * i, label)
        for j, value in enumerate(values):
            sideways(180 + 90 * j, 136 + 10 * i, value)
    doc.save(path)
    doc.close()
    return path


def test_table_set_sideways_is_read_as_turned_upright(tmp_path: Path) -> None:
    doc = parse_pdf(_turned_table_paper(tmp_path / "turned.pdf"))
    table = next(t for t in doc.tables if t.caption and t.caption.startswith("Table 2."))
    assert table.page == 2
    assert table.header_rows == 3
    assert table.rows[0] == ["", *["Intervention"] * 2, *["Control"] * 2]
    assert table.rows[1][1:] == [
        "Baseline (n = 645)",
        "24 m (n = 560)",
        "Baseline (n = 505)",
        "24 m (n = 425)",
    ]
    assert table.rows[3] == ["Weight (kg)", *["50.08 (48.83, 51.34)", "61.08 (59.83, 62.34)"] * 2]
    assert [row[0] for row in table.rows[3:]] == ["Weight (kg)", "BMI (kg m-2)", "BMI z-score"]


def _side_caption_paper(path: Path, table_rows: list[list[str]]) -> Path:
    """A caption set in the left margin beside its table (Springer's layout): the table's
    header and first rows stand beside the caption's lines, not below them."""
    caption = Paragraph(
        "Table 1. Change in colonic transit time for each group after the 3-week intervention",
        _CAPTION,
    )
    inner = Table(table_rows, style=_CELL_STYLE, hAlign="LEFT")
    outer = Table(
        [[caption, inner]],
        colWidths=[32 * mm, None],
        style=TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        ),
        hAlign="LEFT",
    )
    story: list = [Paragraph("Results", _HEAD), Paragraph(PROSE * 2, _BODY), outer]
    story += [Spacer(1, 14), Paragraph("Discussion", _HEAD), Paragraph(PROSE * 3, _BODY)]
    return _build(path, story, 1)


def test_table_beside_its_caption_keeps_its_header_and_first_rows(tmp_path: Path) -> None:
    doc = parse_pdf(_side_caption_paper(tmp_path / "side.pdf", ROWS))
    assert _only_table(doc) == ROWS
    assert doc.tables[0].header_rows == 1


# the change rows print no baseline, and only two rows a P value: the change rows are the
# commonest shape, which leaves the Baseline column out
CHANGES = [
    ["", "Baseline", "Week 1", "Week 2", "Week 3", "P"],
    ["RMD", "53.4 ± 30.1", "69.9 ± 27.4", "70.2 ± 27.3", "83.4 ± 26.6", "0.014"],
    ["Change", "", "(16.6 ± 32.9)", "(16.8 ± 31.2)", "(30.0 ± 27.4)", ""],
    ["Placebo", "56.4 ± 20.6", "59.4 ± 25.0", "64.3 ± 25.1", "65.6 ± 23.8", ""],
    ["Change", "", "(3.0 ± 21.4)", "(7.9 ± 24.8)", "(9.2 ± 20.0)", ""],
    ["RMD", "2.8 ± 1.2", "3.0 ± 1.0", "3.0 ± 1.2", "3.4 ± 1.0", "n.s."],
    ["Change", "", "(0.3 ± 1.0)", "(0.3 ± 1.2)", "(0.6 ± 0.8)", ""],
    ["Placebo", "2.8 ± 0.8", "3.2 ± 0.8", "3.2 ± 0.7", "3.2 ± 0.5", ""],
    ["Change", "", "(0.4 ± 1.0)", "(0.4 ± 0.9)", "(0.4 ± 0.8)", ""],
]


def test_a_column_most_rows_leave_empty_is_its_own_column(tmp_path: Path) -> None:
    table = parse_pdf(_paper_styled(tmp_path / "changes.pdf", CHANGES, [])).tables[0]
    assert table.rows == CHANGES


def test_caption_labels_in_the_styles_journals_print() -> None:
    assert table_label("Table-II: Comparison of intraoperative and postoperative data.") == "II"
    assert table_label("TABLE 3 Outcomes at 12 weeks") == "3"
    assert table_label("Table 2. Adverse events") == "2"
    # a sentence about a table, or a word made with "Table", is no caption
    assert table_label("Table 1 shows the baseline data") is None
    assert table_label("Table-based methods were used") is None
    assert figure_label("Fig-2: Stone-free rates in both groups") == "2"


# Shaded every other row, cell by cell, inside a frame and with no other rules: the shading
# draws the grid's cells, so an unshaded row comes as one cell across the table.
ZEBRA = [
    ["Variable", "Study group (n=33)", "Control group (n=30)", "P-value"],
    ["Preop", "138 (125-225)", "154 (124-207)", "0.720"],
    ["Postop 1st mo", "145 (113-220)", "-", "0.847"],
    ["Postop 3rd mo", "138 (117-220)", "-", "0.739"],
    ["Follow-up", "140 (118-221)", "150 (120-200)", "0.512"],
    ["Final visit", "139 (116-219)", "-", "0.655"],
]


def test_rows_between_shaded_rows_take_the_shaded_rows_columns(tmp_path: Path) -> None:
    shading = [
        ("BACKGROUND", (c, r), (c, r), "#d9e2ef")
        for r in range(0, len(ZEBRA), 2)
        for c in range(len(ZEBRA[0]))
    ]
    frame = [("BOX", (0, 0), (-1, -1), 0.5, "#000000")]
    table = parse_pdf(_paper_styled(tmp_path / "zebra.pdf", ZEBRA, shading + frame)).tables[0]
    assert table.rows == ZEBRA
