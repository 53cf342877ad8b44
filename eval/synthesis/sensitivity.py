"""Does the pooled estimate rest on unchecked values or on one study? Pool again and see.

- verified only: the studies whose numbers are all triage `verified`;
- leave one out: each study dropped in turn.

Each reports how far the random-effects estimate moves from the full analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from eval.synthesis.effects import Effect
from eval.synthesis.pooling import Pooled, pool


@dataclass(frozen=True)
class LeaveOneOut:
    omitted: str  # study label
    mu: float
    ci: tuple[float, float]
    tau2: float
    i2: float
    shift: float  # mu - full mu


@dataclass
class Sensitivity:
    verified_k: int
    verified: Pooled | None  # None: fewer than 2 verified studies
    verified_shift: float | None
    leave_one_out: list[LeaveOneOut]

    @property
    def max_leave_one_out_shift(self) -> float | None:
        if not self.leave_one_out:
            return None
        return max(abs(row.shift) for row in self.leave_one_out)


def sensitivity(effects: list[Effect], full: Pooled, method: str) -> Sensitivity:
    base = full.random[method].mu
    verified = [e for e in effects if e.verified]
    verified_pool = None
    shift = None
    if len(verified) >= 2 and len(verified) < len(effects):
        verified_pool = pool([e.yi for e in verified], [e.vi for e in verified])
        shift = verified_pool.random[method].mu - base
    elif len(verified) == len(effects):
        verified_pool, shift = full, 0.0
    rows = []
    if len(effects) >= 3:  # dropping one of two leaves nothing to pool
        for i, left_out in enumerate(effects):
            rest = effects[:i] + effects[i + 1 :]
            p = pool([e.yi for e in rest], [e.vi for e in rest], (method,))
            est = p.random[method]
            rows.append(
                LeaveOneOut(
                    left_out.study.label, est.mu, est.ci, p.tau2[method], p.i2, est.mu - base
                )
            )
    return Sensitivity(len(verified), verified_pool, shift, rows)
