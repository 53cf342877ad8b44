"""Builders shared by the extraction tests: small documents, PDFs and model answers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pymupdf

from extractor.document import Document, PageSpan, Section, SourceInfo

TRIAL_PAGES = [
    "Aspirin after stroke: a randomised trial\n\n"
    "Abstract\n"
    "We randomised 120 patients to aspirin or placebo.\n\n"
    "Results\n"
    "Death occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo.",
    "Discussion\nAspirin reduced mortality.",
]


def make_document(pages: list[str], path: str = "PMC1.pdf") -> Document:
    """A Document with one page per string and a section per blank-line block."""
    text = ""
    page_map: list[PageSpan] = []
    sections: list[Section] = []
    for number, page_text in enumerate(pages, start=1):
        if text:
            text += "\n\n"
        start = len(text)
        offset = start
        for block in page_text.split("\n\n"):
            heading, _, body = block.partition("\n")
            body_start = offset + len(heading) + 1
            if body:
                sections.append(
                    Section(
                        heading=heading,
                        text=body,
                        page_start=number,
                        page_end=number,
                        char_start=body_start,
                        char_end=body_start + len(body),
                    )
                )
            offset += len(block) + 2
        text += page_text
        page_map.append(PageSpan(page=number, char_start=start, char_end=len(text)))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        source=SourceInfo(path=path, sha256=sha, pages=len(pages)),
        text=text,
        sections=sections,
        page_map=page_map,
    )


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
    answer.update(overrides)
    return answer
