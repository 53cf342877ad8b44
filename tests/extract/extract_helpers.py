"""Builders shared by the extraction tests: small documents, PDFs and model answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymupdf
from doubles.documents import make_document

from schemas.rct_outcomes import PRINTED_FIELDS

__all__ = ["make_document"]

TRIAL_PAGES = [
    "Aspirin after stroke: a randomised trial\n\n"
    "Abstract\n"
    "We randomised 120 patients to aspirin or placebo.\n\n"
    "Results\n"
    "Death occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo.",
    "Discussion\nAspirin reduced mortality.",
]


def make_pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(72, 72, 540, 770), text, fontsize=10)
    doc.save(path)
    doc.close()
    return path


def field_answer(
    value: Any, quote: str | None = None, status: str = "reported", page: int | None = None
) -> dict[str, Any]:
    evidence = [] if quote is None else [{"quote": quote, "page": page}]
    return {"value": value, "status": status, "evidence": evidence}


NOT_REPORTED = {"value": None, "status": "not_reported", "evidence": []}


def rct_answer(**overrides: dict[str, Any]) -> dict[str, Any]:
    """A full, valid rct_outcomes draft: a binary outcome with quotes from TRIAL_PAGES."""
    quote = "Death occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo."
    answer = {
        "outcome_type": field_answer("binary", quote),
        "intervention_events": field_answer(12, quote, page=1),
        "intervention_group_size": field_answer(60, quote),
        "comparator_events": field_answer(20, quote),
        "comparator_group_size": field_answer(60, quote),
        "intervention_mean": NOT_REPORTED,
        "intervention_standard_deviation": NOT_REPORTED,
        "comparator_mean": NOT_REPORTED,
        "comparator_standard_deviation": NOT_REPORTED,
    }
    # rct_outcomes 1.1's printed-form fields (median, SE, CI, percent...): not printed here.
    for name in PRINTED_FIELDS:
        answer.setdefault(name, NOT_REPORTED)
    answer.update(overrides)
    return answer
