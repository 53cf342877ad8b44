"""The error rate of `verified`, measured while the review goes on.

Reviewers check a seeded random sample of the values the checks verified (the app's
"Spot-check" list). Each decision there is a spot check: the verified value was wrong
when the reviewer's value or status differs from it (the review's own notion of a
change, `records.diff_records`). Over the checks of values still current, the share
found wrong is an estimate of how often `verified` is wrong, with an exact
(Clopper-Pearson) binomial interval: with the small samples a review team checks, a
normal-approximation interval would be too narrow, or below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scipy.stats import binomtest

from extractor.review.records import CurrentRecord, RecordKey, diff_records
from extractor.review.store import ReviewStore, VersionRow
from schemas.extracted import Extracted, Status

CONFIDENCE = 0.95


@dataclass(frozen=True)
class SpotEstimate:
    wrong: int
    sampled: int  # verified values a reviewer checked in the random sample
    low: float | None = None  # the exact interval of the error rate (None: no check yet)
    high: float | None = None

    @property
    def rate(self) -> float | None:
        return self.wrong / self.sampled if self.sampled else None

    def line(self, hint: str = "") -> str:
        """One line for `status` and the app, e.g. `verified values: 2 of 60 sampled were
        wrong, 3.3 % [0.4 %, 11.5 %]`; `hint` says what to do while nothing is sampled."""
        if not self.sampled or self.rate is None or self.low is None or self.high is None:
            return "verified values: none sampled yet" + (f" ({hint})" if hint else "")
        return (
            f"verified values: {self.wrong} of {self.sampled} sampled "
            f"{'was' if self.wrong == 1 else 'were'} wrong, {_percent(self.rate)} "
            f"[{_percent(self.low)}, {_percent(self.high)}] "
            f"({100 * CONFIDENCE:.0f} % exact interval, from the reviewers' spot checks)"
        )


def estimate(wrong: int, sampled: int) -> SpotEstimate:
    """The error rate `wrong / sampled` with its exact binomial interval."""
    if sampled == 0:
        return SpotEstimate(0, 0)
    interval = binomtest(wrong, sampled).proportion_ci(confidence_level=CONFIDENCE, method="exact")
    return SpotEstimate(wrong, sampled, float(interval.low), float(interval.high))


def was_wrong(model_value: Extracted[Any], value: Any, status: str) -> bool:
    """Whether a reviewer's (value, status) changes the verified value they checked."""
    decided = Extracted[Any](value=value, status=Status(status))
    return bool(diff_records("", None, {"v": model_value}, {"v": decided}))


def record_spot_check(
    store: ReviewStore,
    record: CurrentRecord,
    field: str,
    decision: VersionRow,
    *,
    value: Any,
    status: str,
    seed: int,
    by: str,
) -> None:
    """Keep a reviewer's decision on a verified value drawn in the spot-check sample."""
    model = record.model_version
    if model is None:
        return
    store.add_spot_check(
        paper_id=record.paper_id,
        target_id=record.target_id,
        field=field,
        model_version_id=model.id,
        version_id=decision.id,
        seed=seed,
        wrong=was_wrong(model.record.get(field) or Extracted[Any](), value, status),
        checked_by=by,
    )


def live_estimate(store: ReviewStore, records: dict[RecordKey, CurrentRecord]) -> SpotEstimate:
    """The estimate over the spot checks of values as they are now.

    A check of a value that a later model run has replaced says nothing about the value
    now, so it is left out; a value checked twice counts once, by its newest check.
    """
    newest: dict[tuple[str, str | None, str], bool] = {}
    for row in store.spot_checks():
        record = records.get((row.paper_id, row.target_id))
        current = record.model_version if record else None
        if current is not None and current.id == row.model_version_id:
            newest[(row.paper_id, row.target_id, row.field)] = row.wrong
    return estimate(sum(newest.values()), len(newest))


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"
