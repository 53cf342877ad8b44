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
