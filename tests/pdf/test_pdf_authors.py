"""Author lines on page 1: names separated by bullets, a line whose box reaches up."""

from __future__ import annotations

from pdf_testdata import make_pdf

from extractor.pdf import parse_pdf


def _page(author_lines: list) -> list:
    return [
        (57, 130, "Sitagliptin Tolerability Pooled Over Many Trials", {"fontsize": 16}),
        *author_lines,
        (57, 260, "Abstract", {"fontsize": 13}),
        *[
            (57, 280 + 14 * i, f"the paper opens with line {i} of its summary", {})
            for i in range(6)
        ],
    ]


def test_authors_separated_by_bullets(tmp_path):
    lines = [
        (57, 156, "Samuel S. Engel \u2022 Elizabeth Round \u2022 Gregory T. Golm \u2022", {}),
        (57, 171, "Keith D. Kaufman \u2022 Barry J. Goldstein", {}),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "bullets.pdf", [_page(lines)]))
    assert doc.metadata.authors[:3] == ["Samuel S. Engel", "Elizabeth Round", "Gregory T. Golm"]


def test_author_line_with_a_tall_mark_right_under_the_title(tmp_path):
    # a large superscript mark makes the line's box start above the title's last baseline
    lines = [
        (57, 150, "Aliasghar Yarmohamadi", {"fontsize": 12}),
        (190, 150, "1; Parisa Saeedi", {"fontsize": 12}),
        (290, 146, "*", {"fontsize": 22}),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "tall.pdf", [_page(lines)]))
    assert doc.metadata.authors[:2] == ["Aliasghar Yarmohamadi", "Parisa Saeedi"]
