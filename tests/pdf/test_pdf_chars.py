"""Characters that carry meaning: soft hyphens at line ends, symbol fonts' signs."""

from __future__ import annotations

import pymupdf
from pdf_testdata import encode_soft_hyphens, make_pdf, rename_font, write_runs

from extractor.pdf import parse_pdf
from extractor.pdf.text import compose_accents, font_chars, join_lines


def test_soft_hyphen_at_a_line_end_joins_the_word():
    assert join_lines(["was first in\u00ad", "troduced in"]) == "was first introduced in"
    # never a space, even where a plain hyphen would be kept ("anti-" + "TNF")
    assert join_lines(["Attribution-Non\u00ad", "Commercial licence"]) == (
        "Attribution-NonCommercial licence"
    )
    assert join_lines(["a last line ending in\u00ad"]) == "a last line ending in"


def test_soft_hyphens_in_a_pdf_are_repaired(tmp_path):
    lines = [
        (60, 100, "Pyeloplasty was first in\u00ad", {}),
        (60, 114, "troduced by surgeons as the gold standard ap\u00ad", {}),
        (60, 128, "proach for the anas\u00ad", {}),
        (60, 142, "tomosis of the ureter in children.", {}),
    ]
    pdf = encode_soft_hyphens(make_pdf(tmp_path / "shy.pdf", [lines]))
    text = parse_pdf(pdf).text
    assert "first introduced by surgeons as the gold standard approach for the anastomosis" in (
        text
    )
    assert "\u00ad" not in text


def test_soft_hyphen_across_a_column_break_joins(tmp_path):
    left = [
        (60, 100 + 14 * i, f"left column line {i} of the running paragraph", {}) for i in range(8)
    ]
    left.append((60, 212, "which ends with the word ap\u00ad", {}))
    right = [(320, 100, "proach and goes on in the right column.", {})]
    right += [(320, 114 + 14 * i, f"right column line {i} of more text here", {}) for i in range(8)]
    pdf = encode_soft_hyphens(make_pdf(tmp_path / "cols.pdf", [left + right]))
    assert "the word approach and goes on" in parse_pdf(pdf).text


def test_symbol_font_signs_are_mapped_only_in_their_font():
    assert font_chars("C65 years", "ABCDEF+AdvTir_symb") == "\u226565 years"
    assert font_chars("CGI-I \u00a3 2", "AdvPSSym") == "CGI-I \u2264 2"
    assert font_chars("R2 \u00bc 0.92 (\u00fe25.8)", "XYZ+AdvP4C4E74") == "R2 = 0.92 (+25.8)"
    assert font_chars("C65 years", "Helvetica") == "C65 years"


def test_advent_symbol_fonts_by_their_hashed_names():
    # each checked against the article's JATS text (Elsevier and ADA RCT reports)
    assert font_chars(" b", "AdvTT454a7a89") == " <"  # "p b .001"
    assert font_chars("3", "XYZ+AdvTT454a7a89") == "\u2032"  # "Hedges3 g"
    assert font_chars("o", "AdvEls-ent4") == "<"  # "P o0.01"
    assert font_chars("4", "AdvPi1") == ">"  # "(46 months duration"
    assert font_chars(" 6", "AdvPS586B") == " \u00b1"  # "12.0 6 2.3%"
    assert font_chars(" ,", "AdvPS586B") == " <"  # "HbA1c ,7%"
    assert font_chars("$", "AdvPS7DA6") == "\u2265"  # "HbA1c $7%"
    assert font_chars("b", "AdvOT463cc31e") == "\u03b2"  # "b-cell"
    assert font_chars("b 6 $", "Helvetica") == "b 6 $"


def test_symbol_font_signs_in_a_pdf_are_read_as_printed(tmp_path):
    path = tmp_path / "adv.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    write_runs(
        page,
        60,
        100,
        [("HbA1c was 12.0 ", "helv"), ("6", "tiro"), (" 2.3% in the group with HbA1c ", "helv")],
    )
    write_runs(page, 60, 114, [(",", "tiro"), ("7% at baseline, and the ", "helv")])
    write_runs(page, 60, 128, [("b", "cour"), ("-cell function improved.", "helv")])
    doc.save(path)
    doc.close()
    rename_font(path, "Times-Roman", "AdvPS586B")
    rename_font(path, "Courier", "AdvOT463cc31e")
    text = " ".join(parse_pdf(path).text.split())
    assert "HbA1c was 12.0 \u00b1 2.3% in the group with HbA1c <7% at baseline" in text
    assert "the \u03b2-cell function improved." in text


def test_tex_accents_are_put_on_their_letters(tmp_path):
    assert compose_accents("Cl \u00b4\u0131nicas") == "Cl\u00ednicas"
    assert compose_accents("Rodr\u0131\u0301guez") == "Rodr\u00edguez"
    assert compose_accents("M\u00b4etis, Espa\u02dcna") == "M\u00e9tis, Espa\u00f1a"
    # a lone accent used as a sign, a dotless i of a Turkish name: left alone
    assert (
        compose_accents("treatment \u02c6 date; Y\u0131lmaz")
        == "treatment \u02c6 date; Y\u0131lmaz"
    )
    lines = [(60, 100, "First Nations/M\u00b4etis/Inuit youth read Schr\u00a8odinger.", {})]
    text = parse_pdf(make_pdf(tmp_path / "accents.pdf", [lines])).text
    assert "First Nations/M\u00e9tis/Inuit youth read Schr\u00f6dinger." in text
