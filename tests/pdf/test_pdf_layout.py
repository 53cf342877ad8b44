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


def _small(x: float, y: float, text: str) -> tuple:
    return (x, y, text, {"fontsize": 8})


def test_full_width_table_of_small_cells_cuts_the_columns(tmp_path):
    # a table across both columns whose cells are blocks of their own (no block spans the
    # page): the text above it runs from the left column into the right one first
    top_left = [
        (LEFT, 100 + 14 * i, f"upper left line {i} of the first column", {}) for i in range(4)
    ]
    top_left.append((LEFT, 156, "followed by extreme heat (28 posts, 1320", {}))
    top_right = [
        (RIGHT, 100, "comments) and hot weather in the keyword count.", {}),
        *[
            (RIGHT, 114 + 14 * i, f"upper right line {i} of the second column.", {})
            for i in range(4)
        ],
    ]
    table = [_small(LEFT, 200, "Table 2. Post and comment distribution across keywords.")]
    for row, (word, posts, comments) in enumerate(
        [("heat", "501 (82.5)", "25,253 (81.1)"), ("hot weather", "19 (3.1)", "1,561 (5)")]
    ):
        y = 220 + 14 * row
        table += [_small(LEFT, y, word), _small(300, y, posts), _small(470, y, comments)]
    bottom_left = [
        (LEFT, 290 + 14 * i, f"lower left line {i} of the first column", {}) for i in range(5)
    ]
    bottom_right = [
        (RIGHT, 290 + 14 * i, f"lower right line {i} of the second column", {}) for i in range(5)
    ]
    pdf = make_pdf(
        tmp_path / "band.pdf", [top_left + top_right + table + bottom_left + bottom_right]
    )
    text = " ".join(parse_pdf(pdf).text.split())
    assert "(28 posts, 1320 comments) and hot weather in the keyword count." in text
    order = ["upper right line 3", "Table 2. Post", "lower left line 0", "lower right line 0"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)


def test_column_table_beside_the_other_columns_footnote_does_not_cut_the_columns(tmp_path):
    # the right column's table starts level with a footnote of the left column: the
    # left column's text below the footnote is still read before the right column
    left = [(LEFT, 100 + 14 * i, f"upper left line {i} of the first column.", {}) for i in range(4)]
    left.append(_small(LEFT, 170, "* Data missing for one dispenser in the control arm."))
    left += [(LEFT, 200 + 14 * i, f"lower left line {i} of the first column", {}) for i in range(8)]
    right = [
        (RIGHT, 100 + 14 * i, f"upper right line {i} of the second column.", {}) for i in range(4)
    ]
    right.append(_small(RIGHT, 170, "Table 3 Characteristics of patients"))
    right += [_small(RIGHT + 140 * (k % 2), 190 + 14 * (k // 2), f"cell {k}") for k in range(20)]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "cols.pdf", [left + right])).text.split())
    assert text.index("lower left line 7") < text.index("upper right line 0")


def test_columns_set_off_the_page_middle_are_read_left_then_right(tmp_path):
    # mirrored margins: both columns right of the page's middle ("176-361 | 373-558" on a
    # 595 pt page), so the page's middle falls inside the left column
    lines = []
    for par in range(3):
        top = 110 + 150 * par
        lines += [
            (176, top + 14 * i, f"left part {par} line {i} of the column text here", {})
            for i in range(8)
        ]
        lines += [
            (373, top - 2 + 14 * i, f"right part {par} line {i} of the column", {})
            for i in range(8)
        ]
    text = parse_pdf(make_pdf(tmp_path / "offset.pdf", [lines])).text
    order = [
        "left part 0 line 0",
        "left part 2 line 7",
        "right part 0 line 0",
        "right part 2 line 7",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)


def test_three_columns_are_read_one_after_the_other(tmp_path):
    # a three-column journal page whose paragraphs start at other heights in each column
    lines = []
    for col, x in enumerate((48, 213, 379)):
        for par, top in enumerate((80 + 20 * col, 330 + 30 * col)):
            lines += [
                (x, top + 12 * i, f"Col {col} part {par} line {i} text.", {"fontsize": 9})
                for i in range(12)
            ]
    text = parse_pdf(make_pdf(tmp_path / "three.pdf", [lines])).text
    order = [f"Col {c} part {p} line {i} " for c in range(3) for p in range(2) for i in (0, 11)]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
