"""Structure recovered from the example papers (known layout: two columns, numbered
headings, tables with captions, a figure, references, running header, page numbers)."""

from __future__ import annotations

import pymupdf

from extractor.examples import fm_papers
from extractor.examples.rct_paper import rct_paper


def test_rct_headings_in_order_with_levels(rct_doc):
    paper = rct_paper()
    expected = ["Abstract", *(s.heading for s in paper.sections), "References"]
    assert [s.heading for s in rct_doc.sections] == expected
    levels = {s.heading: s.level for s in rct_doc.sections}
    assert levels["Abstract"] == 1
    assert levels["3 Results"] == 1
    assert levels["2.1 Trial design and participants"] == 2


def test_fm_headings_match_the_generated_papers(fm_docs):
    for (paper, _), doc in zip(fm_papers(), fm_docs, strict=True):
        expected = ["Abstract", *(s.heading for s in paper.sections), "References"]
        assert [s.heading for s in doc.sections] == expected


def test_section_offsets_delimit_section_text(rct_doc):
    for section in rct_doc.sections:
        assert rct_doc.text[section.char_start : section.char_end] == section.text
        assert section.page_start <= section.page_end
    results = next(s for s in rct_doc.sections if s.heading == "3 Results")
    assert "Readmission within 90 days occurred in 9 of 64" in results.text
    assert rct_doc.section_at(results.char_start + 5) == results


def test_abstract_is_a_section_without_its_label(rct_doc):
    abstract = rct_doc.sections[0]
    assert abstract.heading == "Abstract"
    assert abstract.text.startswith("Background: Fatigue")


def test_two_column_reading_order(rct_doc):
    text = rct_doc.text
    # left column of page 1 runs into the right column, then page 2
    order = [
        "Many patients report persistent fatigue",
        "2.4 Statistical analysis",
        "Continuous outcomes were compared",
        "3 Results",
        "Of 135 randomised participants",
        "4 Discussion",
    ]
    positions = [text.index(snippet) for snippet in order]
    assert positions == sorted(positions)


def test_running_header_and_page_numbers_removed(rct_doc):
    paper = rct_paper()
    assert f"{paper.journal} ({paper.year})" not in rct_doc.text
    assert paper.short_title not in rct_doc.text
    lines = {line.strip() for line in rct_doc.text.splitlines()}
    assert not {"1", "2", "3"} & lines


def test_tables_rows_caption_and_offsets(rct_doc):
    captions = [t.caption for t in rct_doc.tables]
    assert captions == [
        "Table 1. Baseline characteristics of the randomised participants.",
        "Table 2. Outcomes at 12 weeks by randomised group.",
    ]
    outcomes = rct_doc.tables[1]
    assert outcomes.rows[0] == ["Outcome", "Exercise (n = 64)", "Usual care (n = 62)"]
    assert outcomes.rows[2] == ["FACIT-F score, mean (SD)", "38.4 (7.9)", "33.1 (8.6)"]
    linear = "\n".join(" | ".join(row) for row in outcomes.rows)
    assert rct_doc.text[outcomes.char_start : outcomes.char_end] == linear
    for table in rct_doc.tables:
        assert table.caption in rct_doc.text
        assert table.page == 2


def test_figure_captions(rct_doc, fm_docs):
    assert [f.caption for f in rct_doc.figures] == [
        "Figure 1. Flow of participants through the trial."
    ]
    assert all(len(doc.figures) == 1 for doc in fm_docs)


def test_references_one_per_entry(rct_doc, fm_docs):
    paper = rct_paper()
    assert [r.index for r in rct_doc.references] == [1, 2, 3]
    assert [r.text for r in rct_doc.references] == paper.references
    for (fm_paper, _), doc in zip(fm_papers(), fm_docs, strict=True):
        assert len(doc.references) == len(fm_paper.references)


def test_metadata(rct_doc):
    paper = rct_paper()
    assert rct_doc.metadata.title == paper.title
    assert rct_doc.metadata.authors == paper.authors
    assert rct_doc.metadata.year == paper.year
    assert rct_doc.metadata.doi == paper.doi
    assert rct_doc.source.pages == 3
    assert len(rct_doc.source.sha256) == 64


def test_page_map_points_back_to_pages(rct_doc, examples):
    spans = rct_doc.page_map
    assert spans == sorted(spans, key=lambda s: s.char_start)
    assert all(s.bbox is not None for s in spans)
    with pymupdf.open(examples.rct_pdfs[0]) as pdf:
        for snippet in (
            "Many patients report",
            "Acknowledgements",
            "Of 135 randomised",
            "Schulz KF, Altman DG",
        ):
            truth = [p.number + 1 for p in pdf if p.search_for(snippet)]
            assert rct_doc.page_at(rct_doc.text.index(snippet)) == truth[0]
    # every non-blank character is covered by a span
    covered = [False] * len(rct_doc.text)
    for span in spans:
        for i in range(span.char_start, span.char_end):
            covered[i] = True
    assert all(covered[i] for i, c in enumerate(rct_doc.text) if not c.isspace())
