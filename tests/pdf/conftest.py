"""Shared fixtures: the built-in example papers and small PyMuPDF-made PDFs."""

from __future__ import annotations

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
