"""Paragraph flow around page furniture: captions, figure labels, footnotes, sidebars,
licence lines; a paragraph broken by a column or page end is joined again."""

from __future__ import annotations

from pdf_testdata import make_pdf

from extractor.pdf import parse_pdf

LEFT, RIGHT = 60, 320
SENTENCE = "the adjusted treatment effect was small"


def _column(x: float, y: float, prefix: str, n: int) -> list:
    return [(x, y + 14 * i, f"{prefix} line {i} of running text", {}) for i in range(n)]


def test_caption_and_figure_labels_between_column_parts_are_kept_out(tmp_path):
    left = _column(LEFT, 100, "first column", 20)
    left.append((LEFT, 380, "and so the effect of the treatment was", {}))
    right = [
        (RIGHT, 100, "Figure 2. Comparison of mean arterial pressure", {"fontsize": 8}),
        (RIGHT, 140, "0 10 20 30", {"fontsize": 7}),
        (RIGHT, 170, "Weeks", {"fontsize": 7}),
        (RIGHT, 200, "A", {"fontsize": 9}),
        (RIGHT, 240, "measured again at twelve weeks in all patients.", {}),
        *_column(RIGHT, 254, "second column", 5),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "float.pdf", [left + right]))
    text = " ".join(doc.text.split())
    assert "effect of the treatment was measured again at twelve weeks" in text
    # the caption is still in the text, after the paragraph, and still a figure
    assert text.index("Figure 2. Comparison") > text.index("measured again at twelve")
    assert [f.caption for f in doc.figures] == ["Figure 2. Comparison of mean arterial pressure"]


def test_paragraph_joined_across_a_page_break_with_footnote_and_caption(tmp_path):
    page1 = _column(LEFT, 100, "page one", 30)
    page1.append((LEFT, 520, f"and in the per-protocol analysis {SENTENCE} and", {}))
    page1.append((LEFT, 560, "* Corresponding author: someone at a university", {"fontsize": 7}))
    page2 = [
        (LEFT, 100, "Table 3. Outcomes at twelve weeks", {"fontsize": 8}),
        (LEFT, 140, "not significant in any subgroup of the trial.", {}),
        *_column(LEFT, 154, "page two", 10),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "pages.pdf", [page1, page2]))
    text = " ".join(doc.text.split())
    assert f"{SENTENCE} and not significant in any subgroup" in text
    assert "Corresponding author" in text  # moved out of the paragraph, not lost


def test_finished_paragraph_keeps_its_caption_in_place(tmp_path):
    lines = [
        *_column(LEFT, 100, "intro", 5),
        (LEFT, 170, "This paragraph ends here.", {}),
        (LEFT, 200, "Figure 1. Flow of participants", {"fontsize": 8}),
        (LEFT, 230, "Next paragraph starts with a capital letter.", {}),
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "done.pdf", [lines])).text.split())
    assert text.index("ends here.") < text.index("Figure 1.") < text.index("Next paragraph")
