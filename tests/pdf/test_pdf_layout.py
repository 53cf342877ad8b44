"""Reading order, running headers/footers and page numbers on PyMuPDF-made pages."""

from __future__ import annotations

from pdf_testdata import make_pdf

from extractor.pdf import parse_pdf

LEFT, RIGHT = 60, 320


def _two_column_page(page_no: int) -> list:
    lines = [
        (60, 40, "Journal of Testing Vol 3 2021", {"fontsize": 8}),
        (300, 810, str(page_no), {"fontsize": 8}),
    ]
    y = 100
    for i in range(12):
        lines.append((LEFT, y, f"left column sentence number {i} on page {page_no} goes", {}))
        lines.append((RIGHT, y, f"right column sentence number {i} on page {page_no}", {}))
        y += 14
    return lines


def test_left_column_before_right_column_and_furniture_removed(tmp_path):
    pdf = make_pdf(tmp_path / "cols.pdf", [_two_column_page(1), _two_column_page(2)])
    doc = parse_pdf(pdf)
    text = doc.text
    assert "Journal of Testing" not in text
    order = [
        "left column sentence number 0 on page 1",
        "left column sentence number 11 on page 1",
        "right column sentence number 0 on page 1",
        "right column sentence number 11 on page 1",
        "left column sentence number 0 on page 2",
        "right column sentence number 11 on page 2",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert not {"1", "2"} & {line.strip() for line in text.splitlines()}
    assert doc.page_at(text.index("left column sentence number 0 on page 2")) == 2


def test_full_width_heading_cuts_the_columns(tmp_path):
    # a heading that spans both columns ends the column band above it
    lines = [
        (60, 80, "1 Introduction", {"fontsize": 14}),
        *[(LEFT, 110 + 14 * i, f"intro left line {i} of the first column", {}) for i in range(5)],
        *[
            (RIGHT, 110 + 14 * i, f"intro right line {i} of the second column", {})
            for i in range(5)
        ],
        (60, 300, "2 Methods of the full width part spanning both columns", {"fontsize": 14}),
        *[(LEFT, 330 + 14 * i, f"methods left line {i} of the first column", {}) for i in range(5)],
        *[(RIGHT, 330 + 14 * i, f"methods right line {i} second column", {}) for i in range(5)],
    ]
    doc = parse_pdf(make_pdf(tmp_path / "sections.pdf", [lines]))
    headings = [s.heading for s in doc.sections]
    assert headings == ["1 Introduction", "2 Methods of the full width part spanning both columns"]
    intro = next(s for s in doc.sections if s.heading == "1 Introduction")
    assert "intro right line 4" in intro.text
    assert "methods" not in intro.text
