"""Ruled tables: `find_tables()` on the words of the page's own TextPage (table_chars)."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pymupdf.table as mupdf_table
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from extractor.pdf import parse_pdf, table_chars
from extractor.pdf.layout import TEXT_FLAGS
from extractor.pdf.tables import find_ruled

_BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=14)
_GRID = TableStyle(
    [("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("GRID", (0, 0), (-1, -1), 0.5, "black")]
)
ROWS = [
    ["Outcome", "Intervention", "Control", "P value"],
    ["Pain at 6 weeks", "3.1 (1.2)", "4.4 (1.5)", "0.002"],
    ["Function score", "71.5 (9.8)", "64.0 (11.2)", "0.013"],
    ["Adverse events, n", "4", "6", "0.74"],
]
PROSE = "Pain fell more in the intervention group than in the control group at every visit. "


def _ruled_paper(path: Path) -> Path:
    story = [
        Paragraph(PROSE * 4, _BODY),
        Spacer(1, 10),
        Paragraph("Table 2. Outcomes at 6 weeks", _BODY),
        Table(ROWS, style=_GRID),
        Spacer(1, 10),
        Paragraph(PROSE * 4, _BODY),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


def _grid(finder) -> list[list[tuple[float, ...] | None]]:
    return [
        [tuple(round(v, 1) for v in cell) if cell else None for cell in row.cells]
        for table in finder.tables
        for row in table.rows
    ]


def test_ruled_table_rows_are_read_cell_by_cell(tmp_path: Path) -> None:
    doc = parse_pdf(_ruled_paper(tmp_path / "ruled.pdf"))
    assert len(doc.tables) == 1
    assert doc.tables[0].caption.startswith("Table 2.")
    assert doc.tables[0].rows == ROWS


def test_words_as_chars_finds_the_grid_plain_find_tables_finds(tmp_path: Path) -> None:
    with pymupdf.open(_ruled_paper(tmp_path / "ruled.pdf")) as pdf:
        page = pdf[0]
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        assert table_chars.available(page, words)
        ours = _grid(find_ruled(page, words))
        plain = _grid(page.find_tables(use_layout=False))
    assert len(ours) == len(ROWS)
    assert ours == plain


def test_word_boxes_carry_both_coordinate_systems(tmp_path: Path) -> None:
    with pymupdf.open(_ruled_paper(tmp_path / "ruled.pdf")) as pdf:
        page = pdf[0]
        chars = table_chars.word_chars(page, page.get_textpage(flags=TEXT_FLAGS).extractWORDS())
        height = page.rect.height
    pain = next(c for c in chars if c["text"] == "Pain")
    assert pain["x0"] < pain["x1"] and pain["top"] < pain["bottom"]
    # PDF coordinates run upwards from the page foot: the box mirrored on the page height
    assert pain["y0"] == pytest.approx(height - pain["bottom"])
    assert pain["y1"] == pytest.approx(height - pain["top"])


def test_the_library_is_restored_after_the_call_and_after_an_error(tmp_path: Path) -> None:
    original = mupdf_table.make_chars
    with pymupdf.open(_ruled_paper(tmp_path / "ruled.pdf")) as pdf:
        page = pdf[0]
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        find_ruled(page, words)
        assert mupdf_table.make_chars is original
        with pytest.raises(RuntimeError), table_chars.words_as_chars(page, words):
            assert mupdf_table.make_chars is not original
            raise RuntimeError("find_tables failed")
    assert mupdf_table.make_chars is original


def test_turned_pages_and_missing_words_read_characters_as_before(tmp_path: Path) -> None:
    with pymupdf.open(_ruled_paper(tmp_path / "ruled.pdf")) as pdf:
        page = pdf[0]
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        assert not table_chars.available(page, None)
        page.set_rotation(90)
        assert not table_chars.available(page, words)
        # the fallback still finds the table, on the turned page
        assert len(_grid(find_ruled(page, words))) == len(ROWS)


def test_a_header_printed_above_the_ruled_grid_is_the_tables_header_row(tmp_path: Path) -> None:
    # The arms' names stand between the caption and the first rule, outside the box
    # find_tables() returns: they are the table's header row, in their columns.
    header = ["", "Aspirin (n=38)", "Placebo (n=39)", "p"]
    body = [
        ["Death", "1 (2.6)", "0", "0.494"],
        ["Stroke", "2 (5.3)", "4 (10.3)", "0.675"],
        ["Bleeding", "3 (7.9)", "1 (2.6)", "0.358"],
    ]
    style = TableStyle(
        [("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("GRID", (0, 1), (-1, -1), 0.5, "black")]
    )
    story = [
        Paragraph(PROSE * 4, _BODY),
        Spacer(1, 10),
        Paragraph("Table 5. Clinical outcomes", _BODY),
        Table([header, *body], style=style),
        Spacer(1, 10),
        Paragraph(PROSE * 4, _BODY),
    ]
    path = tmp_path / "header_above.pdf"
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    (table,) = parse_pdf(path).tables
    assert table.rows == [header, *body]
    assert table.header_rows == 1


def test_a_sentence_above_a_grid_without_caption_between_is_no_header(tmp_path: Path) -> None:
    doc = parse_pdf(_ruled_paper(tmp_path / "ruled.pdf"))
    assert doc.tables[0].rows == ROWS  # its own first row is the header; nothing added
