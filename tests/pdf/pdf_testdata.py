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
