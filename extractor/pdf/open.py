"""Open a file as a PDF, or fail with one line that says why."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from schemas.errors import InputError

# A PDF header may be preceded by junk bytes; readers accept it within the first KiB.
_HEADER_WINDOW = 1024


def open_pdf(path: Path) -> pymupdf.Document:
    """A readable, unencrypted PDF with at least one page; InputError otherwise."""
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a directory, not a PDF file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(path, "empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(_HEADER_WINDOW)
    if b"%PDF-" not in head:
        raise InputError(path, "not a PDF (no %PDF- header)")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # MuPDF raises several types for damaged files
        raise InputError(path, f"corrupt PDF ({_one_line(exc)})") from exc
    if doc.needs_pass:
        doc.close()
        raise InputError(path, "encrypted PDF (a password is required to open it)")
    if doc.page_count == 0:
        doc.close()
        raise InputError(path, "PDF has no pages")
    try:
        # the page tree and page 1's object must load; its text is read once, by the
        # parser (a check that read it here too cost a second TextPage of page 1)
        doc.load_page(0)
    except Exception as exc:
        doc.close()
        raise InputError(path, f"corrupt PDF ({_one_line(exc)})") from exc
    return doc


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
