"""A reviewer's corrections from the command line: one field (`correct`), or the
adjudications of an audit's disagreements.csv (`import-corrections`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.review.corrections import (
    Correction,
    ImportReport,
    apply_corrections,
    parse_value,
    read_adjudications,
    reviewer_evidence,
    save_correction,
)
from extractor.review.records import current_records
from extractor.review.session import Review
from extractor.review.store import VersionRow


@dataclass(frozen=True)
class Corrected:
    value: Any
    status: str
    version: VersionRow


def correct_field(
    review: Review, paper: str, field: str, text: str, *, by: str, why: str = "",
    target: str | None = None, quote: str | None = None, page: int | None = None,
) -> Corrected:  # fmt: skip
    """Parse `text` as the field's value (see `parse_value`) and store it as a new version."""
    form = review.form()
    value, status = parse_value(form, field, text)
    evidence = reviewer_evidence(review.store, paper, quote, page)
    correction = Correction(paper, field, value, status, by, why, target, evidence)
    return Corrected(value, status, save_correction(review.store, form, correction))


@dataclass(frozen=True)
class Imported:
    report: ImportReport
    versions: list[VersionRow]


def import_corrections(review: Review, csv_path: Path, *, by: str) -> Imported:
    """Apply the `adjudication` column of `csv_path`; bad rows are in `report.errors`."""
    form = review.form()
    records = current_records(review.store)
    report = read_adjudications(csv_path, form, by=by, records=records)
    return Imported(report, apply_corrections(review.store, form, report.applied))
