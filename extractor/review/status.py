"""What `litextract status` reports about a review, computed in one place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from extractor.review.config import ReviewConfig
from extractor.review.records import current_records
from extractor.review.spot_checks import SpotEstimate, live_estimate
from extractor.review.store import PaperRow, ReviewStore, RunRow
from extractor.review.update import expected_keys
from schemas.errors import LitextractError
from schemas.extracted import Triage


@dataclass
class ReviewStatus:
    papers: list[PaperRow]
    paper_states: dict[str, int]
    fresh: int | None = None  # None when staleness cannot be computed (e.g. a bad form)
    stale: int | None = None
    not_extracted: int | None = None
    staleness_error: str | None = None
    corrections: int = 0
    values: int = 0
    triage: Counter[str] = field(default_factory=Counter)  # verified / check / missing
    papers_to_check: int = 0
    runs: list[RunRow] = field(default_factory=list)
    spot: SpotEstimate = field(default_factory=lambda: SpotEstimate(0, 0))  # `verified` errors
    # Reports of one trial (the registration id their text names most) -> their paper ids;
    # synthesis counts each trial once.
    trials: dict[str, list[str]] = field(default_factory=dict)
    registered: int = 0  # papers that name a registration id

    @property
    def shared_trials(self) -> dict[str, list[str]]:
        return {rid: papers for rid, papers in self.trials.items() if len(papers) > 1}

    @property
    def values_to_check(self) -> int:
        return self.triage[Triage.check] + self.triage[Triage.missing]

    @property
    def problem_papers(self) -> list[PaperRow]:
        return [p for p in self.papers if p.status in ("error", "duplicate", "missing")]


def review_status(root: Path, config: ReviewConfig, store: ReviewStore) -> ReviewStatus:
    papers = store.papers()
    status = ReviewStatus(papers, dict(Counter(p.status for p in papers)))
    try:
        expected = expected_keys(root, config, store)
    except (LitextractError, ValueError) as exc:
        status.staleness_error = str(exc)
    else:
        latest = store.latest_model_keys()
        status.fresh = sum(1 for k, key in expected.items() if latest.get(k) == key)
        status.stale = sum(1 for k, key in expected.items() if k in latest and latest[k] != key)
        status.not_extracted = sum(1 for k in expected if k not in latest)
    status.corrections = len(store.corrections())
    flagged_papers = set()
    records = current_records(store)
    for record in records.values():
        for value in record.record.values():
            level = value.triage  # records from before triage take `check`: unchecked
            status.triage[level] += 1
            status.values += 1
            if level != Triage.verified:
                flagged_papers.add(record.paper_id)
    status.papers_to_check = len(flagged_papers)
    status.spot = live_estimate(store, records)
    status.runs = store.runs()[-5:]
    for paper in store.papers("parsed"):
        found = store.registrations(paper.sha256)
        if found:
            status.registered += 1
            status.trials.setdefault(found[0], []).append(paper.paper_id)
    return status
