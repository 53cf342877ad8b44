"""Real PDFs from ../shared/corpus (skipped cleanly when the corpus is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.pdf import parse_pdf

pytestmark = pytest.mark.corpus
REPO_ROOT = Path(__file__).resolve().parents[2]


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


def test_parse_dev_split_keeps_each_publisher_in_one_part(corpus_dir):
    split = json.loads((REPO_ROOT / "bench" / "parse_dev_split.json").read_text())
    tuning, test = split["tuning"], split["test"]
    assert not set(tuning["publishers"]) & set(test["publishers"])
    assert not set(tuning["papers"]) & set(test["papers"])
    on_disk = {p.stem for p in (corpus_dir / "parse_dev").glob("*.pdf")}
    assert set(tuning["papers"]) | set(test["papers"]) == on_disk


def test_italic_numbered_headings_of_a_tuning_paper(corpus_dir):
    doc = parse_pdf(corpus_dir / "parse_dev" / "metabo.4040932.pdf")
    levels = {s.heading: s.level for s in doc.sections}
    assert levels["3.1. Fungal Cultures"] == 2
    assert levels["3.2. Preparation of Wheat Grains"] == 2


def test_numbered_run_ins_below_the_outline_of_a_tuning_paper(corpus_dir):
    doc = parse_pdf(corpus_dir / "parse_dev" / "PMC13178203.pdf")
    section = next(s for s in doc.sections if s.heading.endswith("Affective wellbeing"))
    assert section.heading.startswith("2.2.2.3")
    assert section.level == 4
    assert section.text.startswith("We assessed one aspect of")
