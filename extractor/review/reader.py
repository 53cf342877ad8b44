"""The one typed reader of a review, for the floors above it (the audit, the synthesis).

They read a review's current records (active papers, every human correction laid over the
model's values) as typed `ReviewRecord`s and its papers' text, and never open the store or
read its rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.review.config import ReviewPaths, load_config
from extractor.review.records import exported_records
from extractor.review.store import ReviewStore
from schemas.errors import InputError
from schemas.extracted import Extracted
from schemas.form import Form
from schemas.record import Provenance, RecordLine


@dataclass(frozen=True)
class ReviewRecord:
    paper_id: str
    target_id: str | None
    target: dict[str, str] | None
    record: dict[str, Extracted[Any]]  # the current values, corrections laid over
    provenance: Provenance | None  # None when only people set its values
    corrected: frozenset[str]  # the fields a reviewer set

    def as_line(self) -> RecordLine | None:
        """The record as a records.jsonl line (None without a model version)."""
        if self.provenance is None:
            return None
        return RecordLine(
            paper_id=self.paper_id,
            target_id=self.target_id,
            target=self.target,
            record=self.record,
            provenance=self.provenance,
        )


def _store(root: Path) -> ReviewStore:
    path = ReviewPaths(root).store
    if not path.is_file():
        raise InputError(root, "a folder, but not a review (no review.sqlite)")
    return ReviewStore(path)


def review_form(root: Path) -> Form:
    """The form the review is made with (its config names it)."""
    return load_config(root).load_form(root)


def review_records(root: Path) -> list[ReviewRecord]:
    """The current records of the review's active papers, in paper and target order."""
    with _store(root) as store:
        current = exported_records(store)
    out = []
    for rec in current:
        provenance = rec.model_version.provenance if rec.model_version else None
        out.append(
            ReviewRecord(
                paper_id=rec.paper_id,
                target_id=rec.target_id,
                target=rec.target,
                record=dict(rec.record),
                provenance=Provenance.model_validate(provenance) if provenance else None,
                corrected=frozenset(rec.corrected),
            )
        )
    return out


def review_registrations(root: Path) -> dict[str, list[str]]:
    """paper_id -> the registration ids each of the review's parsed papers names."""
    with _store(root) as store:
        return {p.paper_id: store.registrations(p.sha256) for p in store.papers("parsed")}
