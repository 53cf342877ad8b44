"""Does the pooled estimate rest on unchecked values or on one study? Pool again and see.

- verified only: the studies whose numbers are all triage `verified`;
- as printed only: the studies none of whose numbers was derived (SD from an SE, events
  from a percentage, mean from a median, arms combined...);
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
    printed_k: int = 0  # studies using no derived number
    printed: Pooled | None = None  # None: fewer than 2 such studies
    printed_shift: float | None = None

    @property
    def max_leave_one_out_shift(self) -> float | None:
        if not self.leave_one_out:
            return None
        return max(abs(row.shift) for row in self.leave_one_out)


def _subset(
    effects: list[Effect], kept: list[Effect], full: Pooled, method: str
) -> tuple[Pooled | None, float | None]:
    """The pool of `kept` and its shift from the full one (None: fewer than 2 kept)."""
    if len(kept) == len(effects):
        return full, 0.0
    if len(kept) < 2:
        return None, None
    pooled = pool([e.yi for e in kept], [e.vi for e in kept])
    return pooled, pooled.random[method].mu - full.random[method].mu


def sensitivity(effects: list[Effect], full: Pooled, method: str) -> Sensitivity:
    base = full.random[method].mu
    verified = [e for e in effects if e.verified]
    verified_pool, shift = _subset(effects, verified, full, method)
    printed = [e for e in effects if not e.derived]
    printed_pool, printed_shift = _subset(effects, printed, full, method)
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
    return Sensitivity(
        len(verified), verified_pool, shift, rows, len(printed), printed_pool, printed_shift
    )
