"""The current state of a review, at any point of its history, and what changed.

The current record of a (paper, target) is its newest *model* version with every
human correction laid over it (the newest correction of a field wins). So a
later model run can refresh the uncorrected fields but never undo a reviewer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from extractor.review.store import CorrectionRow, ReviewStore, RunRow, VersionRow
from schemas.extracted import Evidence, Extracted, Status, Triage

RecordKey = tuple[str, str | None]  # (paper_id, target_id)


@dataclass
class CurrentRecord:
    paper_id: str
    target_id: str | None
    target: dict[str, Any] | None
    record: dict[str, Extracted[Any]]
    version: int
    model_version: VersionRow | None
    corrected: dict[str, CorrectionRow] = field(default_factory=dict)
    # Fields an export filled from the printed form: field -> method and formula.
    derived: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> str | None:
        return (
            self.model_version.key.model if self.model_version and self.model_version.key else None
        )


@dataclass(frozen=True)
class FieldChange:
    paper_id: str
    target_id: str | None
    field: str
    before: dict[str, Any] | None  # {"value": ..., "status": ...}; None: no record
    after: dict[str, Any] | None


HUMAN_CORRECTED = "human_corrected"  # the reason code of a value a reviewer set


def overlay(
    record: dict[str, Extracted[Any]], corrections: dict[str, CorrectionRow]
) -> dict[str, Extracted[Any]]:
    """The model's record with each corrected field replaced: a reviewer's value needs no
    more checking, so it is `verified` with the reason that a human set it."""
    out = dict(record)
    for name, c in corrections.items():
        out[name] = Extracted[Any](
            value=c.value,
            status=Status(c.status),
            evidence=[Evidence.model_validate(e) for e in c.evidence],
            triage=Triage.verified,
            reasons=[HUMAN_CORRECTED],
        )
    return out


def current_records(
    store: ReviewStore, *, as_of: str | None = None, paper_id: str | None = None
) -> dict[RecordKey, CurrentRecord]:
    """Every (paper, target)'s record as it stood at time `as_of` (default: now)."""
    out: dict[RecordKey, CurrentRecord] = {}
    for v in store.versions(paper_id):
        if as_of is not None and v.created_at > as_of:
            continue
        key = (v.paper_id, v.target_id)
        rec = out.get(key)
        if rec is None:
            rec = out[key] = CurrentRecord(v.paper_id, v.target_id, v.target, {}, 0, None)
        rec.version = v.version
        rec.target = v.target or rec.target
        if v.origin == "model":
            rec.model_version = v
    for c in store.corrections(paper_id):
        if as_of is not None and c.created_at > as_of:
            continue
        rec = out.get((c.paper_id, c.target_id))
        if rec is not None:
            rec.corrected[c.field] = c
    for rec in out.values():
        base = rec.model_version.record if rec.model_version else {}
        rec.record = overlay(base, rec.corrected)
    return out


def exported_records(store: ReviewStore) -> list[CurrentRecord]:
    """The current records of the review's active papers (duplicates and missing papers
    left out), in paper and natural target order: what every export and the audit read."""
    active = {p.paper_id for p in store.papers("parsed")}
    return [
        rec
        for key, rec in sorted(current_records(store).items(), key=lambda kv: natural_order(kv[0]))
        if key[0] in active
    ]


def natural_order(key: tuple[str, str | None]) -> tuple[str, int, str]:
    # Natural order of target ids ("2" before "10").
    target = key[1] or ""
    return (key[0], int(target) if target.isdigit() else -1, target)


def run_cutoff(store: ReviewStore, run: RunRow) -> str:
    """The moment a run's results were complete (for killed runs: its last commit)."""
    if run.finished_at:
        return run.finished_at
    last = [v.created_at for v in store.versions() if v.run_id == run.id]
    return max(last, default=run.started_at)


def diff_states(
    before: dict[RecordKey, CurrentRecord], after: dict[RecordKey, CurrentRecord]
) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1] or "")):
        a = before[key].record if key in before else None
        b = after[key].record if key in after else None
        changes.extend(diff_records(key[0], key[1], a, b))
    return changes


def diff_records(
    paper_id: str,
    target_id: str | None,
    before: dict[str, Extracted[Any]] | None,
    after: dict[str, Extracted[Any]] | None,
) -> list[FieldChange]:
    """Field-level changes of value or status (evidence-only changes are not listed)."""
    names = sorted(set(before or {}) | set(after or {}))
    changes = []
    for name in names:
        a = _essence((before or {}).get(name)) if before is not None else None
        b = _essence((after or {}).get(name)) if after is not None else None
        if _canonical(a) != _canonical(b):
            changes.append(FieldChange(paper_id, target_id, name, a, b))
    return changes


def version_record(versions: list[VersionRow], number: int) -> VersionRow:
    for v in versions:
        if v.version == number:
            return v
    raise KeyError(number)


def _essence(extracted: Extracted[Any] | None) -> dict[str, Any] | None:
    if extracted is None:
        return None
    return {"value": extracted.value, "status": extracted.status.value}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
