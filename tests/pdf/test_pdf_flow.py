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


def _wide_lines(x: float, y: float, prefix: str, n: int) -> list:
    words = "runs across the wide main column of this page and on"
    return [(x, y + 14 * i, f"{prefix} {i} {words}", {}) for i in range(n)]


def test_sidebar_beside_a_wide_column_is_its_own_block(tmp_path):
    # body-size print, lines longer than figure labels: only its place marks a sidebar
    body = {}
    sidebar = [
        (20, 300, "Academic Editor: Some One, Univ.", body),
        (20, 312, "University of Somewhere, Country", body),
        (20, 340, "Received: December 8, 2016, and", body),
        (20, 370, "Funding: The trial was supported", body),
        (20, 382, "by a grant from a research council.", body),
    ]
    main = [
        (200, 280, "Abstract", {"fontsize": 14}),
        *_wide_lines(200, 300, "abstract line", 7),
        (200, 420, "and the abstract's last sentence ends here.", {}),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "plos.pdf", [main + sidebar]))
    text = " ".join(doc.text.split())
    abstract = " ".join(doc.sections[0].text.split()) if doc.sections else text
    assert "abstract line 6 runs across the wide main column of this page and on and the" in text
    assert "Academic Editor" not in abstract.split("ends here.")[0]
    assert "Funding: The trial was supported by a grant" in text  # kept, as its own block


def test_licence_note_doi_line_and_repeated_footer_leave_the_text(tmp_path):
    page = [
        *_column(LEFT, 100, "body", 30),
        (LEFT, 530, "https://doi.org/10.1371/journal.pone.0322878.g001", {"fontsize": 7}),
        *_column(LEFT, 560, "more body", 5),
        (LEFT, 700, "This is an open access article under the terms of the", {"fontsize": 7}),
        (LEFT, 709, "Creative Commons Attribution License.", {"fontsize": 7}),
        (LEFT, 800, "\u00a9 2017 The Authors. Published by Someone.", {"fontsize": 7}),
    ]
    text = parse_pdf(make_pdf(tmp_path / "licence.pdf", [page])).text
    assert "Creative Commons" not in text
    assert "doi.org" not in text
    assert "Published by" not in text
    assert "more body line 4 of running text" in text


def _page_of_lines(prefix: str, n: int) -> list:
    return [(LEFT, 100 + 14 * i, f"{prefix} line {i:02d} of running text", {}) for i in range(n)]


def test_paragraph_goes_on_after_a_table_whose_cells_are_set_like_text(tmp_path):
    # the table's cells are in body size (another face), too long for figure labels; the
    # paragraph ends on a number and goes on in lower case after the table
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "followed by extreme heat in the keyword count (28 posts, 1320", {}))
    page2 = [
        (LEFT, 100, "Table 2. Post and comment distribution across keywords", {"fontsize": 8}),
        (LEFT, 130, "Keyword counted in the posts of each subreddit", {"fontname": "tiro"}),
        (LEFT, 150, "Comments counted under those posts in total", {"fontname": "tiro"}),
        (LEFT, 190, "comments) and hot weather was third among the keywords.", {}),
        *[(LEFT, 204 + 14 * i, f"page two line {i:02d} of running text", {}) for i in range(5)],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "cells.pdf", [page1, page2])).text.split())
    assert "(28 posts, 1320 comments) and hot weather was third" in text
    assert "Keyword counted in the posts" in text  # kept, after the paragraph


def test_paragraph_with_a_full_last_line_goes_on_in_capitals_after_a_caption(tmp_path):
    page1 = _page_of_lines("page one", 30)
    # as long as the column's lines: the paragraph did not end here
    page1.append((LEFT, 520, "the poll results are presented in", {}))
    page2 = [
        (LEFT, 100, "Table 1. Description of the family dyads", {"fontsize": 8}),
        (LEFT, 140, "Supplemental Table 2 for all caregivers who answered.", {}),
        *[(LEFT, 154 + 14 * i, f"page two line {i:02d} of running text", {}) for i in range(5)],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "full.pdf", [page1, page2])).text.split())
    assert "results are presented in Supplemental Table 2 for all caregivers" in text
    assert text.index("Table 1. Description") > text.index("caregivers who answered.")


def test_short_open_last_line_does_not_join_a_capitalised_paragraph(tmp_path):
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "a list without a stop", {}))
    page2 = [
        (LEFT, 100, "Table 1. Description of the family dyads", {"fontsize": 8}),
        (LEFT, 140, "Another paragraph starts on this page.", {}),
    ]
    text = parse_pdf(make_pdf(tmp_path / "short.pdf", [page1, page2])).text
    assert "a list without a stop Another" not in " ".join(text.split())


def test_small_print_in_lower_case_is_not_the_paragraph_going_on(tmp_path):
    # a table's footnote ("aIndependent samples t-test.") and a figure's lower-case label
    # in small print sit between the two parts of an open paragraph
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "and the sixty-minute sessions five", {}))
    page2 = [
        (LEFT, 100, "aIndependent samples t-test.", {"fontsize": 7}),
        (LEFT, 120, "weight change in percent from baseline", {"fontsize": 7}),
        (LEFT, 160, "days a week reported by others were longer.", {}),
        *[(LEFT, 174 + 14 * i, f"page two line {i:02d} of running text", {}) for i in range(5)],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "notes.pdf", [page1, page2])).text.split())
    assert "the sixty-minute sessions five days a week reported by others" in text
    assert "aIndependent samples t-test." in text  # kept, after the paragraph


def test_paragraph_goes_on_after_a_figure_of_a_hundred_labels(tmp_path):
    # a figure's labels are a hundred small blocks: the paragraph that the figure
    # interrupts still goes on after it, on the next page
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "was not as pronounced (69% in the control", {}))
    labels = [
        (LEFT + 55 * (i % 5), 130 + 16 * (i // 5), f"label {i}", {"fontsize": 7})
        for i in range(100)
    ]
    page2 = [
        *labels,
        (LEFT, 460, "Figure 2. Dispensing outlets by region", {"fontsize": 8}),
        (LEFT, 500, "arm and 72% in the intervention arm) at the end.", {}),
        *[(LEFT, 514 + 14 * i, f"page two line {i:02d} of running text", {}) for i in range(5)],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "labels.pdf", [page1, page2])).text.split())
    assert "(69% in the control arm and 72% in the intervention arm)" in text
    assert "label 99" in text


def _sentence_end_then_caption(indent: float) -> list:
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "page one line 30 of running text.", {}))  # as full as the rest
    page2 = [
        (LEFT, 100, "Table 3. Outcomes at twelve weeks", {"fontsize": 8}),
        (LEFT + indent, 140, "The same paragraph goes on after the table", {}),
        (LEFT, 154, "and ends here on its second line.", {}),
    ]
    return [page1, page2]


def test_paragraph_ending_a_full_column_line_goes_on_unindented_after_a_float(tmp_path):
    doc = parse_pdf(make_pdf(tmp_path / "on.pdf", _sentence_end_then_caption(0)))
    text = " ".join(doc.text.split())
    assert "line 30 of running text. The same paragraph goes on after the table" in text
    assert text.index("Table 3. Outcomes") > text.index("ends here on its second line.")


def test_indented_line_after_a_float_starts_a_new_paragraph(tmp_path):
    doc = parse_pdf(make_pdf(tmp_path / "new.pdf", _sentence_end_then_caption(12)))
    text = " ".join(doc.text.split())
    assert text.index("line 30 of running text.") < text.index("Table 3. Outcomes")
    assert text.index("Table 3. Outcomes") < text.index("The same paragraph goes on")


def test_drop_cap_opens_its_paragraph_and_the_paragraph_goes_on_after_a_footnote(tmp_path):
    # the first letter set large over two lines, an affiliation note under the column,
    # the paragraph goes on at the top of the right column
    lines = [
        (LEFT, 90, "Introduction", {"fontsize": 12}),
        (LEFT, 128, "P", {"fontsize": 26}),
        (LEFT + 18, 110, "revalence rates of depressive disorder", {}),
        (LEFT + 18, 124, "are up to two per cent in children", {}),
        *[(LEFT, 138 + 14 * i, f"left column line {i} of running text", {}) for i in range(5)],
        (LEFT, 208, "screening is advised at ages 12-18 years", {}),
        (LEFT, 260, "1Department of Psychiatry, University.", {"fontsize": 8}),
        (RIGHT, 90, "(Siu 2016). The standard of care for treatment of moderate", {}),
        (RIGHT, 104, "depression is psychological intervention or medication.", {}),
        *[(RIGHT, 140 + 14 * i, f"right column line {i} of running text", {}) for i in range(5)],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "dropcap.pdf", [lines])).text.split())
    assert "Prevalence rates of depressive disorder are up to" in text
    assert "at ages 12-18 years (Siu 2016). The standard of care" in text
    assert "1Department of Psychiatry" in text  # kept, after the paragraph


def test_affiliation_note_a_little_smaller_leaves_the_paragraph_it_interrupts(tmp_path):
    # the note is only 0.5 pt smaller than the body (not a figure label's print) but opens
    # with its mark glued to a capitalised word; the paragraph goes on on the next page
    page1 = [
        (LEFT, 100 + 14 * i, f"page one line {i:02d} of running text", {"fontsize": 9})
        for i in range(30)
    ]
    page1.append(
        (LEFT, 520, "four methods were presented, one an ensemble classifier", {"fontsize": 9})
    )
    page1.append(
        (LEFT, 560, "1Department of Health Information Technology, Tabriz.", {"fontsize": 8.5})
    )
    page1.append((LEFT, 571, "2Research Center of Medical Informatics, Tabriz.", {"fontsize": 8.5}))
    page2 = [
        (LEFT, 100, "with three support vector machine sub-classifiers.", {"fontsize": 9}),
        *[
            (LEFT, 114 + 14 * i, f"page two line {i:02d} of running text", {"fontsize": 9})
            for i in range(5)
        ],
    ]
    text = " ".join(parse_pdf(make_pdf(tmp_path / "note.pdf", [page1, page2])).text.split())
    assert "an ensemble classifier with three support vector machine" in text
    assert "1Department of Health Information Technology" in text  # kept, after it


def test_paragraph_goes_on_after_a_page_that_holds_only_a_table(tmp_path):
    # a table set over the whole next page in small print, continued at the top of page
    # 3: the paragraph ends open on page 1 and goes on below the continued table
    page1 = _page_of_lines("page one", 30)
    page1.append((LEFT, 520, "no differences in health outcomes overall (180/398", {}))
    table = [
        (
            LEFT,
            80,
            "Table 2. Primary and secondary neonatal outcomes by study group.",
            {"fontsize": 8},
        )
    ]
    table += [
        (
            LEFT + 150 * (k % 3),
            100 + 12 * (k // 3),
            f"outcome row {k // 3} cell {k % 3}",
            {"fontsize": 7},
        )
        for k in range(90)
    ]
    page3 = [
        (LEFT, 60, "Table 2. (Continued)", {"fontsize": 8}),
        (LEFT, 75, "Infant postnatal length of stay (days) 11.93 (21.1)", {"fontsize": 7}),
        (LEFT, 100, "[45.2%] in the progesterone group) or in any single outcome.", {}),
        *[(LEFT, 114 + 14 * i, f"page three line {i:02d} of running text", {}) for i in range(5)],
    ]
    text = " ".join(
        parse_pdf(make_pdf(tmp_path / "table_page.pdf", [page1, table, page3])).text.split()
    )
    assert "health outcomes overall (180/398 [45.2%] in the progesterone group)" in text
    assert "Table 2. Primary and secondary neonatal outcomes" in text  # kept, after it
