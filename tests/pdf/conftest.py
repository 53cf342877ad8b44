"""Shared fixtures: the built-in example papers and small PyMuPDF-made PDFs."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractor.examples import ExampleSet, write_examples
from extractor.pdf import parse_pdf


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> ExampleSet:
    return write_examples(tmp_path_factory.mktemp("examples"))


@pytest.fixture(scope="session")
def rct_doc(examples: ExampleSet):
    return parse_pdf(examples.rct_pdfs[0])


@pytest.fixture(scope="session")
def fm_docs(examples: ExampleSet):
    return [parse_pdf(p) for p in examples.fm_pdfs]


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
