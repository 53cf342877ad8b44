"""Bad files give one-line InputErrors; scanned pages are reported; batches go on."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from pdf_testdata import make_pdf

from extractor.pdf import iter_pdfs, parse_many, parse_pdf
from schemas.errors import InputError


def _good(tmp_path: Path, name: str = "good.pdf") -> Path:
    return make_pdf(
        tmp_path / name, [[(72, 100, "A short paper about nothing in particular.", {})]]
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"hello, I am a text file\n", "not a PDF"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "corrupt PDF"),
    ],
)
def test_unreadable_files(tmp_path, content, reason):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        parse_pdf(path)
    message = str(info.value)
    assert message.startswith(str(path)) and reason in message
    assert "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        parse_pdf(tmp_path / "nope.pdf")


def test_encrypted_pdf(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    with pytest.raises(InputError, match="encrypted"):
        parse_pdf(path)


def test_pdf_without_pages(tmp_path):
    # a syntactically valid PDF whose page tree is empty
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    path = tmp_path / "nopages.pdf"
    path.write_bytes(body)
    with pytest.raises(InputError, match=r"no pages|corrupt"):
        parse_pdf(path)


def test_scanned_page_is_reported(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 100), "This page has a real text layer.")
    scan = doc.new_page(width=595, height=842)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 280), False)
    pix.set_rect(pix.irect, (200, 200, 200))
    scan.insert_image(scan.rect, pixmap=pix)
    path = tmp_path / "scan.pdf"
    doc.save(path)
    parsed = parse_pdf(path)
    assert parsed.source.scanned_pages == [2]
    assert any("without a text layer" in w for w in parsed.warnings)
    assert "real text layer" in parsed.text


def test_iter_pdfs_expands_directories(tmp_path):
    (tmp_path / "sub").mkdir()
    a = _good(tmp_path, "b.pdf")
    b = _good(tmp_path / "sub", "A.PDF")
    (tmp_path / "notes.txt").write_text("x")
    assert iter_pdfs([tmp_path]) == [a, b]  # sorted, *.pdf in any case, recursive
    assert iter_pdfs([a, tmp_path]) == [a, b]  # a file given twice is parsed once


def test_parse_many_keeps_order_and_goes_on(tmp_path):
    good1 = _good(tmp_path, "one.pdf")
    bad = tmp_path / "two.pdf"
    bad.write_bytes(b"not a pdf")
    good2 = _good(tmp_path, "three.pdf")
    results = list(parse_many([good1, bad, good2], workers=2, progress=False))
    assert [path for path, _ in results] == [good1, bad, good2]
    assert isinstance(results[1][1], InputError)
    assert results[0][1].source.path == str(good1)
    assert results[2][1].source.path == str(good2)
