"""Ruled tables: grids read from the drawings (ruled.py) as `find_tables()` finds them,
and `find_tables()` on the words of the page's own TextPage (table_chars)."""

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
from extractor.pdf.ruled import read_grids
from extractor.pdf.tables import find_ruled, has_vertical_edges, ruled_grids

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


def _styled_paper(path: Path, rows: list[list[str]], style: TableStyle) -> Path:
    story = [
        Paragraph(PROSE * 2, _BODY),
        # the table about the page's middle: PyMuPDF tests the characters of a cluster
        # of drawings in PDF coordinates (y up), so only there do they fall inside it
        Spacer(1, 260),
        Paragraph("Table 3. Outcomes", _BODY),
        Table(rows, style=style),
        Paragraph(PROSE * 2, _BODY),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


_FONT = ("FONT", (0, 0), (-1, -1), "Helvetica", 8)
_STYLES = {
    "grid": [_FONT, ("GRID", (0, 0), (-1, -1), 0.5, "black")],
    # a header cell over two columns: a merged cell leaves an empty slot in its row
    "merged header": [
        _FONT,
        ("SPAN", (1, 0), (2, 0)),
        ("BOX", (0, 0), (-1, -1), 0.8, "black"),
        ("INNERGRID", (0, 0), (-1, -1), 0.3, "black"),
    ],
    # rules between the columns and under the rows, no frame: the outline of the touching
    # rules is the left and right border (find_tables' enveloping box), four columns
    "open sides": [
        _FONT,
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, "black"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, "black"),
        ("LINEAFTER", (0, 0), (-2, -1), 0.3, "black"),
    ],
    # shaded rows and only an outer box
    "shaded rows": [
        _FONT,
        ("ROWBACKGROUNDS", (0, 0), (-1, -1), ["#dddddd", "#ffffff"]),
        ("BOX", (0, 0), (-1, -1), 1.0, "black"),
        ("LINEAFTER", (0, 0), (-2, -1), 0.3, "black"),
    ],
}


@pytest.mark.parametrize("name", sorted(_STYLES))
def test_grids_read_from_the_drawings_are_those_find_tables_finds(tmp_path: Path, name) -> None:
    path = _styled_paper(tmp_path / "styled.pdf", ROWS, TableStyle(_STYLES[name]))
    with pymupdf.open(path) as pdf:
        page = pdf[0]
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        drawings = page.get_cdrawings()
        assert has_vertical_edges(drawings)
        grids = read_grids(drawings, table_chars.word_chars(page, words), tuple(page.rect))
        finder = find_ruled(page, words)
    theirs = [[list(row.cells) for row in table.rows] for table in finder.tables]
    assert len(grids) == len(theirs) == 1
    assert [
        [tuple(round(v, 3) for v in c) if c else None for c in row] for row in grids[0].rows
    ] == [[tuple(round(v, 3) for v in c) if c else None for c in row] for row in theirs[0]]
    assert [len(row) for row in grids[0].rows] == [len(row) for row in ROWS]
    if name == "merged header":
        assert grids[0].rows[0][2] is None  # the slot the merged cell covers


def test_a_drawing_list_is_left_as_it_was(tmp_path: Path) -> None:
    path = _styled_paper(tmp_path / "styled.pdf", ROWS, TableStyle(_STYLES["grid"]))
    with pymupdf.open(path) as pdf:
        page = pdf[0]
        drawings = page.get_cdrawings()
        before = repr(drawings)
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        read_grids(drawings, table_chars.word_chars(page, words), tuple(page.rect))
    assert repr(drawings) == before


def test_no_grid_without_text_or_with_one_column() -> None:
    box = {"items": [("re", (100.0, 100.0, 300.0, 200.0), 1)], "rect": (100, 100, 300, 200)}
    word = {"x0": 110.0, "x1": 150.0, "top": 110.0, "bottom": 120.0, "y0": 722.0, "y1": 732.0}
    assert read_grids([box], [], (0, 0, 595, 842)) == []  # a frame with nothing in it
    assert read_grids([box], [{**word, "text": "Pain"}], (0, 0, 595, 842)) == []  # one column


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_page_gives_the_grid_find_tables_finds_on_it(tmp_path: Path, rotation) -> None:
    path = _styled_paper(tmp_path / "turned.pdf", ROWS, TableStyle(_STYLES["merged header"]))
    with pymupdf.open(path) as pdf:
        pdf[0].set_rotation(rotation)
        page = pdf[0]
        words = page.get_textpage(flags=TEXT_FLAGS).extractWORDS()
        grids = ruled_grids(page, page.get_cdrawings(), words)
        # find_tables() turns the page upright, reading its own characters
        theirs = [[list(row.cells) for row in t.rows] for t in find_ruled(page, words).tables]
    assert len(grids) == len(theirs) == 1
    assert [
        [tuple(round(v, 2) for v in c) if c else None for c in row] for row in grids[0].rows
    ] == [[tuple(round(v, 2) for v in c) if c else None for c in row] for row in theirs[0]]
    assert [len(row) for row in grids[0].rows] == [len(row) for row in ROWS]
