"""The values a reviewer works through: what the checks flagged, in paper order, and
the filters, counts and the seeded spot-check sample of verified values."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from extractor.review.records import CurrentRecord, RecordKey
from extractor.review.store import PaperRow
from schemas.extracted import Extracted, Triage
from schemas.form import Form

TO_CHECK = (Triage.check, Triage.missing)
SPOT_SHARE = 0.05  # share of verified values sampled for audit
LISTS = ("queue", "verified", "spot")
SHOWS = ("todo", "done", "all")


@dataclass(frozen=True)
class QueueItem:
    paper_id: str
    target_id: str | None
    field: str
    paper_title: str
    triage: str  # the checks' verdict on the model's value
    reasons: tuple[str, ...]
    status: str  # current status (after corrections)
    value: Any
    checked_by: str | None  # the reviewer of the newest correction, if any
    # (intervention, comparator, outcome) of a targeted form: the id alone says nothing
    target: tuple[str, str, str] | None = None

    @property
    def checked(self) -> bool:
        return self.checked_by is not None

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.paper_id, self.target_id, self.field)


def queue_items(
    form: Form, records: dict[RecordKey, CurrentRecord], papers: dict[str, PaperRow]
) -> list[QueueItem]:
    """Every value of every current record, by paper order, target and form order."""
    items = []
    order = sorted(records, key=lambda k: (papers[k[0]].seq, k[1] or ""))
    for key in order:
        rec = records[key]
        model = rec.model_version.record if rec.model_version else {}
        paper = papers[key[0]]
        for spec in form.fields:
            current = rec.record.get(spec.name) or Extracted[Any]()
            made = model.get(spec.name)
            correction = rec.corrected.get(spec.name)
            items.append(
                QueueItem(
                    paper_id=rec.paper_id,
                    target_id=rec.target_id,
                    field=spec.name,
                    paper_title=paper.title or rec.paper_id,
                    # No model version (only people's values): a human looks.
                    triage=(made.triage if made else Triage.check).value,
                    reasons=tuple(made.reasons) if made else (),
                    status=current.status.value,
                    value=current.value,
                    checked_by=correction.corrected_by if correction else None,
                    target=_target_parts(rec.target),
                )
            )
    return items


def _target_parts(target: dict[str, Any] | None) -> tuple[str, str, str] | None:
    if not target:
        return None
    parts = tuple(str(target.get(k) or "") for k in ("intervention", "comparator", "outcome"))
    return (parts[0], parts[1], parts[2]) if any(parts) else None


@dataclass(frozen=True)
class Filters:
    """What the reviewer is looking at; carried from the queue to each value and back."""

    list: str = "queue"
    show: str = "todo"
    field: str = ""
    paper: str = ""
    reason: str = ""
    triage: str = ""
    status: str = ""
    seed: int = 1

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def pick(name: str, allowed: tuple[str, ...], default: str) -> str:
            value = query.get(name, default)
            return value if value in allowed else default

        try:
            seed = int(query.get("seed", "1"))
        except ValueError:
            seed = 1
        return cls(
            list=pick("list", LISTS, "queue"),
            show=pick("show", SHOWS, "todo"),
            field=query.get("field", "")[:200],
            paper=query.get("paper", "")[:200],
            reason=query.get("reason", "")[:200],
            triage=query.get("triage", "")[:50],
            status=query.get("status", "")[:50],
            seed=seed,
        )

    def query(self, **changes: Any) -> str:
        data = {
            "list": self.list,
            "show": self.show,
            "field": self.field,
            "paper": self.paper,
            "reason": self.reason,
            "triage": self.triage,
            "status": self.status,
            "seed": str(self.seed),
        }
        data.update({k: str(v) for k, v in changes.items()})
        defaults = {"list": "queue", "show": "todo", "seed": "1"}
        return urlencode({k: v for k, v in data.items() if v and defaults.get(k) != v})


def base_list(items: list[QueueItem], filters: Filters) -> list[QueueItem]:
    """The list chosen (to check / verified / spot-check sample), before the filters."""
    if filters.list == "verified":
        return [i for i in items if i.triage == Triage.verified]
    if filters.list == "spot":
        return spot_sample(items, filters.seed)
    return [i for i in items if i.triage in TO_CHECK]


def spot_sample(items: list[QueueItem], seed: int) -> list[QueueItem]:
    """A seeded random 5 % (at least one) of the verified values, in queue order."""
    verified = [i for i in items if i.triage == Triage.verified]
    if not verified:
        return []
    k = max(1, math.ceil(SPOT_SHARE * len(verified)))
    chosen = set(random.Random(seed).sample(range(len(verified)), k))
    return [item for n, item in enumerate(verified) if n in chosen]


def apply_filters(items: list[QueueItem], filters: Filters) -> list[QueueItem]:
    out = []
    for i in items:
        if filters.field and i.field != filters.field:
            continue
        if filters.paper and i.paper_id != filters.paper:
            continue
        if filters.reason and filters.reason not in i.reasons:
            continue
        if filters.triage and i.triage != filters.triage:
            continue
        if filters.status and i.status != filters.status:
            continue
        if filters.show == "todo" and i.checked:
            continue
        if filters.show == "done" and not i.checked:
            continue
        out.append(i)
    return out


def neighbours(
    items: list[QueueItem], key: tuple[str, str | None, str]
) -> tuple[QueueItem | None, QueueItem | None]:
    """(previous, next) of the value `key` in `items`; the ends have None."""
    keys = [i.key for i in items]
    if key not in keys:
        return None, items[0] if items else None
    n = keys.index(key)
    return (items[n - 1] if n > 0 else None, items[n + 1] if n + 1 < len(items) else None)
