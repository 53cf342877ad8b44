"""What changed in a review: between two runs, two versions of a paper's record, and
along a paper's whole history (`diff` and `history`).

The commands only print what these return; which runs or versions are compared by
default is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.review.records import (
    FieldChange,
    current_records,
    diff_records,
    diff_states,
    run_cutoff,
    version_record,
)
from extractor.review.store import ReviewStore
from schemas.errors import LitextractError


@dataclass(frozen=True)
class Changes:
    title: str  # "run 1 -> run 3", "smith2021: version 1 -> 2"
    changes: list[FieldChange]


@dataclass(frozen=True)
class HistoryRow:
    target_id: str | None
    version: int
    origin: str  # "model" or "human"
    run_id: int | None
    created_at: str
    by: str  # backend/model and hashes, or who corrected which field and why
    changes: list[FieldChange] | None  # None: the first version of its target


def run_changes(store: ReviewStore, from_run: int | None, to_run: int | None) -> Changes:
    """Field changes between two runs; default the newest run and the one before it."""
    runs = store.runs()
    if not runs:
        raise LitextractError("no runs yet")
    ids = [r.id for r in runs]
    b = to_run or ids[-1]
    a = from_run or next((i for i in reversed(ids) if i < b), 0)
    by_id = {r.id: r for r in runs}
    if b not in by_id or (a and a not in by_id):
        raise LitextractError(f"unknown run (runs: {', '.join(map(str, ids))})")
    before = current_records(store, as_of=run_cutoff(store, by_id[a])) if a else {}
    after = current_records(store, as_of=run_cutoff(store, by_id[b]))
    return Changes(f"run {a or '(empty)'} -> run {b}", diff_states(before, after))


def version_changes(
    store: ReviewStore, paper: str, from_version: int | None, to_version: int | None,
    target: str | None = None,
) -> Changes:  # fmt: skip
    """Field changes between two versions of a paper's record; default the newest two."""
    versions = store.versions(paper, target)
    if not versions:
        raise LitextractError(f"no record versions for paper {paper!r}")
    if len({v.target_id for v in versions}) > 1:
        raise LitextractError(f"paper {paper!r} has several targets: give --target")
    newest = versions[-1].version
    a, b = from_version or max(newest - 1, 1), to_version or newest
    try:
        va, vb = version_record(versions, a), version_record(versions, b)
    except KeyError as exc:
        raise LitextractError(f"paper {paper!r} has no version {exc.args[0]}") from None
    changes = diff_records(paper, vb.target_id, va.record, vb.record)
    return Changes(f"{paper}: version {a} -> {b}", changes)


def paper_history(store: ReviewStore, paper: str, target: str | None = None) -> list[HistoryRow]:
    """Every version of a paper's record, oldest first, with what each changed."""
    versions = store.versions(paper, target)
    if not versions:
        raise LitextractError(f"no record versions for paper {paper!r}")
    corrections: dict[int, list[str]] = {}
    for c in store.corrections(paper):
        corrections.setdefault(c.version_id, []).append(
            f"{c.corrected_by}: {c.field}" + (f" ({c.why})" if c.why else "")
        )
    previous: dict[str | None, dict[str, object]] = {}
    rows = []
    for v in versions:
        first = v.target_id not in previous
        changes = diff_records(paper, v.target_id, previous.get(v.target_id), v.record)
        previous[v.target_id] = v.record
        if v.origin == "human":
            by = "; ".join(corrections.get(v.id, []))
        else:
            by = f"{v.key.backend}/{v.key.model}" if v.key else ""
            if v.key:
                by += f" form {v.key.form_hash[:8]} prompt {v.key.prompt_hash[:8]}"
        shown = None if first else changes
        rows.append(HistoryRow(v.target_id, v.version, v.origin, v.run_id, v.created_at, by, shown))
    return rows
