"""Heading cues beyond the RCT layouts (issue 15), on small PyMuPDF-made papers: italic
run-in headings, italic own-line headings, body-size bold headings, bold author-year
reference entries, and that emphasis is not mistaken for a heading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pymupdf
from pdf_testdata import make_pdf, write_runs

from extractor.pdf import parse_pdf
from extractor.pdf.headings import ALL_RULES
from extractor.pdf.references import REFERENCE_HEADING

_BODY = (
    "The participants were recruited from three clinics and followed for one year while",
    "the outcomes were recorded by assessors who did not know the allocation of each",
    "participant, and every visit was entered twice into the database for checking.",
)
_X = 72.0
_LEADING = 13.0


class _Paper:
    """Lines of a one-column paper, written top to bottom; body text in Times 10 pt.
    Page 1 opens with a title, authors and an abstract, as real papers do (the parser
    reads the title from page 1's largest text)."""

    def __init__(self) -> None:
        self.pdf = pymupdf.open()
        self.page = self.pdf.new_page(width=595, height=842)
        self.y = 60.0
        self.line("A trial of exercise for fatigue after cancer", font="tibo", size=18, gap=20)
        self.line("Ann Author, Bob Writer", gap=24)
        self.heading("Abstract")
        self.paragraph()

    def _space(self, gap: float) -> None:
        if self.y + gap > 780:
            self.page = self.pdf.new_page(width=595, height=842)
            self.y = 80.0
        self.y += gap

    def line(self, text: str, font: str = "tiro", size: float = 10, gap: float = _LEADING):
        self._space(gap)
        self.page.insert_text((_X, self.y), text, fontname=font, fontsize=size)

    def run_in(self, label: str, rest: str, font: str = "tiit", number: str = "") -> None:
        """A paragraph whose first line opens with `label` in `font`, after `number` in
        the body face when given."""
        self._space(_LEADING * 1.5)
        x = _X
        for text, face in ((number, "tiro"), (label, font), (rest, "tiro")):
            if text:
                self.page.insert_text((x, self.y), text, fontname=face, fontsize=10)
                x += pymupdf.get_text_length(text, fontname=face, fontsize=10)
        for text in _BODY:
            self.line(text)

    def paragraph(self, lines: tuple[str, ...] = _BODY) -> None:
        self.line(lines[0], gap=_LEADING * 1.5)
        for text in lines[1:]:
            self.line(text)

    def heading(self, text: str, size: float = 12, font: str = "tibo") -> None:
        self.line(text, font=font, size=size, gap=_LEADING * 2)

    def save(self, path: Path) -> Path:
        self.pdf.save(path)
        self.pdf.close()
        return path


def _headings(path: Path, **rules: bool) -> list[str]:
    doc = parse_pdf(path, rules=dataclasses.replace(ALL_RULES, **rules))
    return [s.heading for s in doc.sections]


def _methods_paper(tmp_path: Path) -> Path:
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.paragraph()
    paper.heading("2. Materials and Methods")
    paper.run_in("2.1. Chemicals. ", "Chromogenic substrates were bought from one vendor and")
    # the number may be set upright before the italic label
    paper.run_in("Cell Culture. ", "Cells were grown in a medium changed daily and", number="2.2. ")
    paper.heading("3. Results")
    paper.paragraph()
    paper.paragraph()
    return paper.save(tmp_path / "run_in.pdf")


def test_italic_numbered_run_in_heading_is_split_from_its_paragraph(tmp_path):
    path = _methods_paper(tmp_path)
    doc = parse_pdf(path)
    headings = [s.heading for s in doc.sections]
    assert headings == [
        "Abstract",
        "1. Introduction",
        "2. Materials and Methods",
        "2.1. Chemicals",
        "2.2. Cell Culture",
        "3. Results",
    ]
    chemicals = doc.sections[3]
    assert chemicals.level == 2
    assert chemicals.text.startswith("Chromogenic substrates were bought")
    assert "2.1. Chemicals" not in chemicals.text
    # the cue is what finds them: with italic labels off they stay paragraph text
    assert "2.1. Chemicals" not in _headings(path, italic=False)


def test_italic_emphasis_opening_one_paragraph_is_not_a_heading(tmp_path):
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.run_in("In vitro. ", "Cells were grown in a medium that was changed every day and")
    paper.paragraph()
    paper.heading("2. Methods")
    paper.paragraph()
    headings = _headings(paper.save(tmp_path / "emphasis.pdf"))
    assert headings == ["Abstract", "1. Introduction", "2. Methods"]


def test_recurring_unnumbered_italic_run_ins_are_headings(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Methods")
    paper.run_in("Participants. ", "Adults were recruited from three clinics in two cities and")
    paper.run_in("Outcomes. ", "The primary outcome was the score at twelve weeks and it was")
    paper.heading("Results")
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "recurring.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "Introduction",
        "Methods",
        "Participants",
        "Outcomes",
        "Results",
    ]
    outcomes = doc.sections[4]
    assert outcomes.text.startswith("The primary outcome was the score")
    assert outcomes.level > doc.sections[2].level


def test_italic_own_line_numbered_heading(tmp_path):
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.heading("3. Results")
    paper.paragraph()
    paper.line("3.1. Fungal Cultures", font="tiit", gap=_LEADING * 2)
    paper.paragraph()
    paper.line("3.2. Preparation of Wheat Grains", font="tiit", gap=_LEADING * 2)
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "italic_line.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "1. Introduction",
        "3. Results",
        "3.1. Fungal Cultures",
        "3.2. Preparation of Wheat Grains",
    ]
    assert [s.level for s in doc.sections] == [1, 1, 1, 2, 2]


def test_body_size_bold_heading_on_its_own_line(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Materials and Methods")
    # the paragraph before ends in a citation number, not in a bare period
    paper.paragraph((*_BODY[:2], "participant, as in our earlier trial of the same design.12"))
    paper.line("Dice Similarity Coefficient", font="tibo", size=10, gap=_LEADING)
    paper.line("The overlap of the two segmentations was measured for every scan and the")
    paper.line("agreement of the readers was summarised with its interval at each site.")
    paper.line("Internal Validation", font="tibo", size=10, gap=_LEADING * 1.5)
    paper.paragraph()
    paper.heading("Results")
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "bold_line.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "Introduction",
        "Materials and Methods",
        "Dice Similarity Coefficient",
        "Internal Validation",
        "Results",
    ]
    dice = doc.sections[3]
    assert dice.text.startswith("The overlap of the two segmentations")
    assert dice.level > doc.sections[2].level
    # the citation-marked sentence end is what lets the first one open a unit
    assert "Dice Similarity Coefficient" not in _headings(
        tmp_path / "bold_line.pdf", paragraph_starts=False
    )


def test_bold_author_year_reference_entries_are_not_sections(tmp_path):
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.heading("2. Discussion")
    paper.paragraph()
    paper.heading("REFERENCES")
    for authors in (
        "Aberham M, Balakrishnan M, Gurja B. 2017a",
        "Aberham M, Balakrishnan M, Gurja B. 2017b",
        "Bekele T, Haile W. 2019",
        "Chen L, Wang Y, Zhou X. 2021",
    ):
        paper.line(authors, font="tibo", size=10, gap=_LEADING * 1.5)
        paper.line("Survey of livestock health in the highlands. Vet Journal 12:1-9.")
    path = paper.save(tmp_path / "references.pdf")
    doc = parse_pdf(path)
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "1. Introduction",
        "2. Discussion",
        "REFERENCES",
    ]
    assert "Chen L, Wang Y, Zhou X. 2021" in doc.sections[-1].text
    assert len(_headings(path, reference_guard=False)) > 4  # the guard is what drops them


def test_supporting_information_items_of_any_kind_are_not_sections(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Supporting information")
    for label in ("S1 CONSORT Checklist. CONSORT checklist.", "S1 Protocol. Trial protocol."):
        paper.line(label, font="tibo", size=10, gap=_LEADING * 1.5)
        paper.line("(PDF)")
    doc = parse_pdf(paper.save(tmp_path / "supporting.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "Introduction",
        "Supporting information",
    ]
    assert "S1 Protocol. Trial protocol." in doc.sections[-1].text


def test_abbreviation_list_entries_are_not_sections(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Abbreviations")
    paper.run_in("AAQ-II: ", "Acceptance and Action Questionnaire, second version", font="tibo")
    paper.run_in("RHS: ", "Reliance on internal hunger and satiety cues, a subscale", font="tibo")
    doc = parse_pdf(paper.save(tmp_path / "glossary.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "Abbreviations"]
    assert "AAQ-II: Acceptance and Action Questionnaire" in doc.sections[-1].text


def test_second_line_of_a_centred_caption_is_not_a_heading(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Results")
    paper.paragraph()
    caption = "Table 4. Summary of Suicidal Ideation and Behavior Reported on the Columbia-Suicide"
    paper.line(caption, font="tibo", size=10, gap=_LEADING * 2)
    paper.page.insert_text(
        (_X + 60, paper.y + 11),
        "Severity Rating Scale at Any Assessment, Safety Population",
        fontname="tibo",
        fontsize=10,
    )
    paper.y += 11
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "caption.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "Results"]


def test_italic_run_in_label_set_over_two_lines_is_one_heading(tmp_path):
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.heading("3. Results")
    paper.paragraph()
    paper.line(
        "3.4. Changes in Cardiovascular Disease Risk Factors, Metabolic",
        font="tiit",
        gap=_LEADING * 1.5,
    )
    paper._space(_LEADING)
    label = "Syndrome, and Exercise Capacity. "
    paper.page.insert_text((_X, paper.y), label, fontname="tiit", fontsize=10)
    x = _X + pymupdf.get_text_length(label, fontname="tiit", fontsize=10)
    paper.page.insert_text((x, paper.y), "At twelve months the blood pressure fell.", fontsize=10)
    paper.paragraph(_BODY[1:])
    doc = parse_pdf(paper.save(tmp_path / "two_line_label.pdf"))
    assert [s.heading for s in doc.sections][-1] == (
        "3.4. Changes in Cardiovascular Disease Risk Factors, Metabolic Syndrome,"
        " and Exercise Capacity"
    )
    assert doc.sections[-1].text.startswith("At twelve months the blood pressure fell.")


def test_heading_wrapped_onto_a_block_of_its_own_is_one_heading(tmp_path):
    # at this line spacing MuPDF puts the heading's second line in a block of its own
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Results")
    paper.paragraph()
    paper.line("Predefined Laboratory Abnormality", font="tibo", size=10, gap=_LEADING * 1.5)
    paper.line("Criteria", font="tibo", size=10, gap=16)
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "wrapped.pdf"))
    assert [s.heading for s in doc.sections][-1] == "Predefined Laboratory Abnormality Criteria"
    assert doc.sections[-1].text.startswith("The participants were recruited")


def test_summary_inside_the_discussion_is_a_section_not_the_abstract(tmp_path):
    # a closing "Summary" under the Discussion (Wiley, Springer): only before the body's
    # first section does "Summary" name the abstract
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Discussion")
    paper.paragraph()
    paper.heading("Summary", size=10)
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "summary.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "Introduction",
        "Discussion",
        "Summary",
    ]
    assert [s.level for s in doc.sections][-1] == 2


def test_journal_and_volume_opening_a_reference_line_are_not_a_run_in_heading(tmp_path):
    # a reference entry wrapped so that its journal (set in a distinct face) and volume
    # open a line, followed by nothing but the pages: "Am J Trop Med Hyg 71: 715-722."
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("References")
    for journal, pages in (("Am J Trop Med Hyg 71: ", "715-722."), ("PLoS ONE 9: ", "e94074.")):
        paper.line("1. Okello G, Ndegwa SN, Halliday KE. Effect of intermittent screening and")
        paper.line("treatment for malaria among schoolchildren in Kenya.")
        paper._space(_LEADING)
        x = _X
        for text, face in ((journal, "tibo"), (pages, "tiro")):
            paper.page.insert_text((x, paper.y), text, fontname=face, fontsize=10)
            x += pymupdf.get_text_length(text, fontname=face, fontsize=10)
    doc = parse_pdf(paper.save(tmp_path / "references.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "References"]


def test_outline_title_ending_on_the_line_of_its_run_in_paragraph_is_whole(tmp_path):
    # the outline holds the whole title; the print breaks it over two lines, the second
    # going on with the paragraph ("... Handgrip Dynamome-" + "try. In a subgroup ...")
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.paragraph()
    paper.heading("2. Discussion")
    paper.paragraph()
    paper.line("2.1. Muscle Strength as Evaluated with Handgrip Dynamome-", font="tiit", gap=20)
    paper._space(_LEADING)
    label = "try. "
    paper.page.insert_text((_X, paper.y), label, fontname="tiit", fontsize=10)
    x = _X + pymupdf.get_text_length(label, fontname="tiit", fontsize=10)
    rest = "In a subgroup of patients the grip did not change."
    paper.page.insert_text((x, paper.y), rest, fontname="tiro", fontsize=10)
    paper.paragraph(_BODY[1:])
    paper.pdf.set_toc(
        [
            [1, "1. Introduction", 1],
            [1, "2. Discussion", 1],
            [2, "2.1. Muscle Strength as Evaluated with Handgrip Dynamometry", 1],
        ]
    )
    doc = parse_pdf(paper.save(tmp_path / "outline_run_in.pdf"))
    assert [s.heading for s in doc.sections][-1] == (
        "2.1. Muscle Strength as Evaluated with Handgrip Dynamometry"
    )
    assert doc.sections[-1].level == 2
    assert doc.sections[-1].text.startswith("In a subgroup of patients the grip did not change.")


def test_subheading_right_under_a_heading_is_its_own_heading(tmp_path):
    # the subheading follows its parent at line spacing, in one MuPDF block with it and
    # the paragraph: the parent's line ends a unit although it ends in no period
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Statistical analysis")
    paper.line("Sample size calculation", font="tiit", size=11, gap=12)
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "subheading.pdf"))
    headings = [s.heading for s in doc.sections]
    assert headings == [
        "Abstract",
        "Introduction",
        "Statistical analysis",
        "Sample size calculation",
    ]
    assert doc.sections[-1].text.startswith("The participants were recruited")


def test_outline_title_is_not_placed_on_a_sentence_that_goes_on_with_its_word(tmp_path):
    # "Patients" from the outline must not land on a line opening "patients. Secondary
    # ...", the end of the sentence before, but on its own heading below
    paper = _Paper()
    paper.heading("1. Introduction")
    paper.line("The trial enrolled adults in intensive care, all of them mechanically ventilated")
    paper.line("patients. Secondary aims were to relate the strength scores to the outcomes.")
    paper.heading("2. Methods")
    paper.heading("2.1. Patients", size=10)
    paper.paragraph()
    paper.pdf.set_toc([[1, "Introduction", 1], [1, "Methods", 1], [2, "Patients", 1]])
    doc = parse_pdf(paper.save(tmp_path / "outline_sentence.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "1. Introduction",
        "2. Methods",
        "2.1. Patients",
    ]


def test_outline_title_written_with_character_references_is_placed(tmp_path):
    # the outline spells "&" as "&#x00026;", the print as the character. An italic line
    # met once is a heading only by the outline's word
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Methods")
    paper.line("Diet & Exercise Counselling intervention", font="tiit", gap=20)
    paper.paragraph()
    paper.pdf.set_toc(
        [
            [1, "Introduction", 1],
            [1, "Methods", 1],
            [2, "Diet &#x00026; Exercise Counselling intervention", 1],
        ]
    )
    doc = parse_pdf(paper.save(tmp_path / "outline_entities.pdf"))
    assert [s.heading for s in doc.sections][-1] == "Diet & Exercise Counselling intervention"


def test_paragraph_bookmarked_in_the_outline_is_not_a_heading(tmp_path):
    thanks = (
        "We thank the staff who worked as project officers, research assistants and data",
        "collectors on the project. We are also indebted to the schools and students who",
        "took part in the study. This study is funded through the Ministry of Health.",
    )
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Acknowledgements")
    paper.paragraph(thanks)
    paper.pdf.set_toc(
        [[1, "Introduction", 1], [1, "Acknowledgements", 1], [2, " ".join(thanks), 1]]
    )
    doc = parse_pdf(paper.save(tmp_path / "outline_paragraph.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "Acknowledgements"]


def test_run_in_label_in_a_side_column_is_not_a_section(tmp_path):
    # a PLOS article-information box beside the wide abstract: its bold labels are
    # article information, not sections of the paper
    words = "runs across the wide main column of this page and goes on"
    pdf = pymupdf.open()
    page = pdf.new_page(width=595, height=842)
    page.insert_text((200, 80), "A trial of exercise for fatigue", fontname="tibo", fontsize=18)
    page.insert_text((200, 280), "Abstract", fontname="tibo", fontsize=12)
    for i in range(8):
        page.insert_text((200, 300 + 14 * i), f"abstract line {i} {words}", fontname="tiro")
    page.insert_text((200, 440), "Introduction", fontname="tibo", fontsize=12)
    for i in range(8):
        page.insert_text((200, 460 + 14 * i), f"introduction line {i} {words}", fontname="tiro")
    write_runs(page, 20, 300, [("Data Availability Statement: ", "tibo"), ("All data", "tiro")])
    page.insert_text((20, 312), "are in the paper and its files.", fontname="tiro", fontsize=10)
    write_runs(page, 20, 340, [("Received: ", "tibo"), ("December 8, 2016", "tiro")])
    pdf.save(tmp_path / "plos_box.pdf")
    doc = parse_pdf(tmp_path / "plos_box.pdf")
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction"]
    assert "Data Availability Statement: All data are in the paper" in " ".join(doc.text.split())


def test_supporting_information_items_numbered_with_a_period_are_not_sections(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Supporting information")
    paper.line("S1. Hazard presence, relevance and references for each study area", font="tibo")
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "supplement.pdf"))
    assert [s.heading for s in doc.sections] == [
        "Abstract",
        "Introduction",
        "Supporting information",
    ]


def test_correspondence_email_label_is_not_a_section(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.run_in("E-mail: ", "ann.author@university.edu, Department of Psychiatry", font="tibo")
    doc = parse_pdf(paper.save(tmp_path / "email.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction"]


def test_bold_line_ending_in_a_verb_opens_a_sentence_not_a_section(tmp_path):
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Acknowledgments")
    paper.line("The members of the study group are", font="tibo", gap=20)
    paper.paragraph(("Ann Author, Bob Writer and Carl Reader, who collected the data.",))
    doc = parse_pdf(paper.save(tmp_path / "open_end.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "Acknowledgments"]


def test_back_matter_heading_in_small_print_is_a_section(tmp_path):
    # back matter set smaller than the body, its headings in bold at that size
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.paragraph()
    paper.heading("Conclusions")
    paper.paragraph()
    paper.line("Abbreviations", font="tibo", size=8, gap=20)
    paper.line("ICU: intensive care unit; EMS: electrical muscle stimulation.", size=8)
    doc = parse_pdf(paper.save(tmp_path / "small_back.pdf"))
    assert [s.heading for s in doc.sections][-1] == "Abbreviations"


def test_bold_paragraph_going_on_in_lower_case_is_not_a_heading(tmp_path):
    # an abstract set in bold (Diabetes Care): its first line ends no sentence and the
    # next line, in a slightly different print, goes on in lower case
    paper = _Paper()
    paper.heading("Introduction")
    paper.paragraph()
    paper.heading("Results")
    paper.line("Relapse-free survival was higher in the drug group compared", font="tibo")
    paper._space(_LEADING)
    runs = [("with placebo, and the mean time to relapse was ", "tibo"), ("longer.", "tiro")]
    write_runs(paper.page, _X, paper.y, runs)
    paper.paragraph()
    doc = parse_pdf(paper.save(tmp_path / "bold_paragraph.pdf"))
    assert [s.heading for s in doc.sections] == ["Abstract", "Introduction", "Results"]


def test_heading_level_with_a_table_row_in_the_next_column_is_a_heading(tmp_path):
    # two columns; a table in the right column has a row on the heading's baseline
    left, right = 54.0, 316.0
    words = "text of a column that runs on"
    bold = {"fontname": "tibo", "fontsize": 11}
    lines: list[tuple[float, float, str, dict]] = [
        (left, 60, "A survey of climate anxiety in young adults", {"fontsize": 16}),
        (left, 100, "Introduction", bold),
    ]
    lines += [(left, 116 + 12 * i, f"left {i} {words}", {}) for i in range(12)]
    lines.append((left, 270, "Data collection and sampling", bold))
    lines += [(left, 286 + 12 * i, f"method {i} {words}", {}) for i in range(8)]
    lines += [(right, 100 + 12 * i, f"right {i} {words}", {}) for i in range(12)]
    lines += [(right + 5, 270, "15-16", {}), (right + 200, 270, "24 (6.4)", {})]
    lines += [(right + 5, 284, "17-18", {}), (right + 200, 284, "31 (8.2)", {})]
    doc = parse_pdf(make_pdf(tmp_path / "columns.pdf", [lines]))
    assert "Data collection and sampling" in [s.heading for s in doc.sections]


def test_reference_heading_names_with_a_journals_bullet_or_a_number() -> None:
    for heading in ("References", "7. References", "& REFERENCES", "■ Literature cited"):
        assert REFERENCE_HEADING.match(heading), heading
    for heading in ("Referenced studies", "References to tables", "&& References"):
        assert not REFERENCE_HEADING.match(heading), heading
