"""PDF -> `Document`: reading-order text, sections, tables, captions, references."""

from __future__ import annotations

from extractor.pdf.batch import iter_pdfs, parse_many
from extractor.pdf.parse import parse_pdf

__all__ = ["iter_pdfs", "parse_many", "parse_pdf"]
