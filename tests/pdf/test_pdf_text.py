"""Ligatures, line-break hyphenation and compounds, in strings and in a real PDF."""

from __future__ import annotations

from pathlib import Path

import reportlab
from pdf_testdata import make_pdf

from extractor.pdf import parse_pdf
from extractor.pdf.text import clean_chars, join_lines, vocabulary


def test_ligatures_and_odd_spaces_are_repaired():
    assert clean_chars("e\ufb03cacy of \ufb01ve \ufb02ows") == "efficacy of five flows"
    assert clean_chars("a\u00a0b\u00adc") == "a bc"


def test_line_break_hyphen_is_removed():
    assert join_lines(["the treat-", "ment was given"]) == "the treatment was given"


def test_real_compound_keeps_its_hyphen():
    assert join_lines(["a placebo-", "controlled trial"]) == "a placebo-controlled trial"
    assert join_lines(["anti-", "TNF therapy"]) == "anti-TNF therapy"
    assert join_lines(["COVID-", "19 cases"]) == "COVID-19 cases"


def test_document_vocabulary_decides():
    words, compounds = vocabulary(["follow-up visits were planned", "a crossover design"])
    # seen hyphenated elsewhere in the paper: keep the hyphen
    assert join_lines(["at the follow-", "up visit"], words, compounds) == "at the follow-up visit"
    # seen joined elsewhere: join, even after a compound-like prefix
    assert join_lines(["a cross-", "over design"], words, compounds) == "a crossover design"


def test_pdf_with_hyphenation_and_ligatures(tmp_path):
    # Vera ships with reportlab and has real fi/fl ligature glyphs
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    lig = {"fontname": "vera", "fontfile": str(vera)}
    lines = [
        (72, 100, "Methods", {"fontsize": 14}),
        (72, 130, "The primary assess-", {}),
        (72, 144, "ment was done in a double-", {}),
        (72, 158, "blind, placebo-controlled design; double-blind", {}),
        (72, 172, "assessors counted \ufb01ve \ufb02ows at follow-up.", lig),
    ]
    doc = parse_pdf(make_pdf(tmp_path / "hyphen.pdf", [lines]))
    assert "The primary assessment was done" in doc.text
    assert "double-blind, placebo-controlled" in doc.text
    assert "counted five flows at follow-up" in doc.text
