"""Small PyMuPDF-made PDFs with known text positions, for the parser tests."""

from __future__ import annotations

from pathlib import Path

import pymupdf


def make_pdf(path: Path, pages: list[list[tuple[float, float, str, dict]]]) -> Path:
    """A PDF whose pages hold text lines at (x, y) with insert_text options."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text, options in lines:
            page.insert_text((x, y), text, **{"fontsize": 10, **options})
    doc.save(path)
    doc.close()
    return path


def encode_soft_hyphens(path: Path) -> Path:
    """Give every font a WinAnsi encoding whose code 173 is the soft hyphen (U+00AD),
    as typesetters emit it; `insert_text` alone would write a plain hyphen."""
    doc = pymupdf.open(path)
    for page in doc:
        for font in page.get_fonts():
            doc.xref_set_key(
                font[0],
                "Encoding",
                "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [173 /uni00AD] >>",
            )
    data = doc.tobytes()
    doc.close()
    path.write_bytes(data)
    return path


def write_runs(page: pymupdf.Page, x: float, y: float, runs: list[tuple[str, str]]) -> None:
    """One line of text made of runs in different base-14 fonts, each after the last."""
    for text, font in runs:
        page.insert_text((x, y), text, fontsize=10, fontname=font)
        x += pymupdf.get_text_length(text, fontname=font, fontsize=10)


def rename_font(path: Path, base14: str, name: str) -> Path:
    """Give the base-14 font `base14` (e.g. "Times-Roman") the name of a typesetter's
    font, as MuPDF then reports it ("ABCDEF+AdvPS586B" -> "AdvPS586B")."""
    doc = pymupdf.open(path)
    for page in doc:
        for xref, _ext, _type, basefont, *_rest in page.get_fonts():
            if basefont == base14:
                doc.xref_set_key(xref, "BaseFont", f"/ABCDEF+{name}")
    data = doc.tobytes()
    doc.close()
    path.write_bytes(data)
    return path
