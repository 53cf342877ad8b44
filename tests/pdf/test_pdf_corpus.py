"""Real PDFs from ../shared/corpus (skipped cleanly when the corpus is absent)."""

from __future__ import annotations

import pytest

from extractor.pdf import parse_pdf

pytestmark = pytest.mark.corpus


def test_outline_paper_sections(corpus_dir):
    doc = parse_pdf(corpus_dir / "pdfs" / "rct" / "PMC3321528.pdf")
    headings = [s.heading for s in doc.sections]
    for expected in (
        "Abstract",
        "1. Introduction",
        "2. Materials and Methods",
        "2.6. Statistical Analysis",
        "3. Results",
        "4. Discussion",
    ):
        assert expected in headings
    assert doc.sections[headings.index("2.6. Statistical Analysis")].level == 2
    assert len(doc.references) > 10


def test_style_only_paper_sections_and_metadata(corpus_dir):
    doc = parse_pdf(corpus_dir / "pdfs" / "rct" / "PMC3276927.pdf")
    headings = [s.heading.lower() for s in doc.sections]
    for expected in ("abstract", "introduction", "materials and methods", "discussion"):
        assert expected in headings
    assert doc.metadata.doi == "10.4103/0973-6131.91697"
    assert doc.metadata.year == 2012
    assert doc.metadata.title.startswith("Effect of yoga therapy in reversible inguinal hernia")


def test_every_rct_pdf_parses_with_sections(corpus_dir):
    pdfs = sorted((corpus_dir / "pdfs" / "rct").glob("PMC*.pdf"))[:12]
    assert pdfs
    for pdf in pdfs:
        doc = parse_pdf(pdf)
        assert len(doc.sections) >= 3, pdf.name
        assert doc.text
        for section in doc.sections:
            assert doc.text[section.char_start : section.char_end] == section.text
        for table in doc.tables:
            assert table.char_start is not None
            if table.caption:
                assert table.caption in doc.text
