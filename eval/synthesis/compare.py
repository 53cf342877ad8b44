"""Does extraction error change the conclusion? The same synthesis on gold and on extracted.

Per target and measure: the effect size from the gold numbers beside the one from the
extracted numbers, their difference, whether the direction flips (signs differ, neither
exactly 0) and whether significance changes (the 95% CI excludes 0 on one side only).
Per analysis: the pooled random-effects estimates side by side.

Both sides use the gold's outcome type, as Yun et al. gave the type to the model; an
extracted record whose numbers cannot give an effect size is counted as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from eval.synthesis.effects import MEASURES, Effect, EffectTable, compute_effects
from eval.synthesis.grouping import Analysis
from eval.synthesis.meta import MetaAnalyses, run_meta_analyses
from eval.synthesis.studies import Study
from schemas.roles import EffectRoles

DEFAULT_TOLERANCE = 0.1  # on the effect's own scale: log OR, log RR, SMD units...


@dataclass
class TargetDiff:
    label: str
    measure: str
    gold: Effect | None
    extracted: Effect | None

    @property
    def both(self) -> bool:
        return self.gold is not None and self.extracted is not None

    @property
    def diff(self) -> float | None:
        if self.gold is None or self.extracted is None:
            return None
        return self.extracted.yi - self.gold.yi

    @property
    def direction_flip(self) -> bool:
        if self.gold is None or self.extracted is None:
            return False
        return self.gold.yi * self.extracted.yi < 0

    @property
    def significance_change(self) -> bool:
        if self.gold is None or self.extracted is None:
            return False
        return self.gold.significant != self.extracted.significant


@dataclass
class MeasureSummary:
    measure: str
    gold_computable: int
    extracted_computable: int
    both: int
    identical: int  # |difference| < 1e-9
    over_tolerance: int
    direction_flips: int
    significance_changes: int
    mean_absolute_difference: float | None
    tolerance: float

    @property
    def share_over_tolerance(self) -> float | None:
        return self.over_tolerance / self.both if self.both else None

    @property
    def share_computable(self) -> float | None:
        """Yun et al.'s "percentage of computable instances": both / gold computable."""
        return self.both / self.gold_computable if self.gold_computable else None


@dataclass(frozen=True)
class PooledDiff:
    analysis: str
    measure: str
    gold_k: int
    extracted_k: int
    gold_mu: float | None
    extracted_mu: float | None
    gold_significant: bool | None
    extracted_significant: bool | None

    @property
    def diff(self) -> float | None:
        if self.gold_mu is None or self.extracted_mu is None:
            return None
        return self.extracted_mu - self.gold_mu


@dataclass
class Comparison:
    tolerance: float
    targets: dict[str, list[TargetDiff]]
    summaries: dict[str, MeasureSummary]
    pooled: list[PooledDiff] = field(default_factory=list)
    extracted_only: int = 0  # extracted targets the gold does not have
    gold_meta: MetaAnalyses | None = None
    extracted_meta: MetaAnalyses | None = None


def compare(
    gold: list[Study],
    extracted: list[Study],
    roles: EffectRoles,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    analyses: list[Analysis] | None = None,
    method: str = "DL",
    drop00: bool = True,
    pool: bool = True,
) -> Comparison:
    gold_table = compute_effects(gold, roles, drop00=drop00)
    gold_keys = {s.key for s in gold}
    matched = [s for s in extracted if s.key in gold_keys]
    extracted_table = compute_effects(
        matched, roles, drop00=drop00, outcome_types=gold_table.outcome_types
    )
    targets: dict[str, list[TargetDiff]] = {}
    summaries: dict[str, MeasureSummary] = {}
    for measure in MEASURES:
        rows = _target_rows(measure, gold, gold_table, extracted_table)
        targets[measure] = rows
        summaries[measure] = _summary(measure, rows, tolerance)
    result = Comparison(tolerance, targets, summaries, extracted_only=len(extracted) - len(matched))
    if pool:
        result.gold_meta = run_meta_analyses(gold, gold_table, analyses, method=method)
        result.extracted_meta = run_meta_analyses(matched, extracted_table, analyses, method=method)
        result.pooled = _pooled_rows(result.gold_meta, result.extracted_meta, method)
    return result


def _target_rows(
    measure: str, gold: list[Study], gold_table: EffectTable, extracted_table: EffectTable
) -> list[TargetDiff]:
    g = gold_table.by_key(measure)
    x = extracted_table.by_key(measure)
    rows = []
    for study in gold:
        if study.key in g or study.key in x:
            rows.append(TargetDiff(study.label, measure, g.get(study.key), x.get(study.key)))
    return rows


def _summary(measure: str, rows: list[TargetDiff], tolerance: float) -> MeasureSummary:
    both = [r for r in rows if r.both]
    diffs = [abs(r.diff) for r in both if r.diff is not None]
    return MeasureSummary(
        measure=measure,
        gold_computable=sum(r.gold is not None for r in rows),
        extracted_computable=sum(r.extracted is not None for r in rows),
        both=len(both),
        identical=sum(d < 1e-9 for d in diffs),
        over_tolerance=sum(d > tolerance for d in diffs),
        direction_flips=sum(r.direction_flip for r in both),
        significance_changes=sum(r.significance_change for r in both),
        mean_absolute_difference=(math.fsum(diffs) / len(diffs)) if diffs else None,
        tolerance=tolerance,
    )


def _pooled_rows(gold: MetaAnalyses, extracted: MetaAnalyses, method: str) -> list[PooledDiff]:
    x = {r.name: r for r in extracted.results}
    rows = []
    for g in gold.results:
        e = x.get(g.name)
        gp = g.pooled.get(g.primary)
        ep = e.pooled.get(g.primary) if e else None
        rows.append(
            PooledDiff(
                g.name,
                g.primary,
                g.k,
                len(e.effects.get(g.primary, [])) if e else 0,
                gp.random[method].mu if gp else None,
                ep.random[method].mu if ep else None,
                gp.random[method].significant if gp else None,
                ep.random[method].significant if ep else None,
            )
        )
    return rows
