"""Meta-analyses: the studies of each analysis, their effect sizes, pooled and re-pooled.

Every measure that fits the analysis's outcome type is pooled (binary: OR, RR, RD;
continuous: MD, SMD). The primary measure, shown on the forest plot and used for the
sensitivity analyses, is the analysis's `measure` or else OR / SMD. Studies whose
outcome type differs from the analysis's (the majority's) are left out with a reason; an
analysis with fewer than 2 usable studies is listed and not pooled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from eval.synthesis.effects import (
    BINARY_MEASURES,
    CONTINUOUS_MEASURES,
    Effect,
    EffectTable,
    Exclusion,
    compute_effects,
)
from eval.synthesis.grouping import Analysis, assign
from eval.synthesis.pooling import Pooled, pool
from eval.synthesis.sensitivity import Sensitivity, sensitivity
from eval.synthesis.studies import Study
from eval.synthesis.trials import count_once
from schemas.roles import EffectRoles

DEFAULT_PRIMARY = {"binary": "OR", "continuous": "SMD"}


@dataclass(frozen=True)
class GroupProblem:
    analysis: str
    code: str
    message: str

    def line(self) -> str:
        return f"analysis {self.analysis!r}: {self.message}"


@dataclass
class AnalysisResult:
    name: str
    outcome_type: str
    primary: str
    effects: dict[str, list[Effect]]
    pooled: dict[str, Pooled]
    sensitivity: Sensitivity | None = None
    left_out: list[str] = field(default_factory=list)  # study labels without an effect size
    excluded: list[Exclusion] = field(default_factory=list)  # left out of this analysis only
    grouping: list[str] = field(default_factory=list)  # arms combined / split, reports grouped

    @property
    def k(self) -> int:
        return len(self.effects.get(self.primary, []))


@dataclass
class MetaAnalyses:
    method: str  # the random-effects estimator used for sensitivity and plots
    results: list[AnalysisResult]
    problems: list[GroupProblem]
    multi_arm: str = "combine"  # how arms shared within a paper were counted once


def run_meta_analyses(
    studies: list[Study],
    table: EffectTable,
    analyses: list[Analysis] | None,
    *,
    method: str = "DL",
    with_sensitivity: bool = True,
    roles: EffectRoles | None = None,
    multi_arm: str = "combine",
) -> MetaAnalyses:
    """With `roles`, each trial counts once per analysis (eval/synthesis/trials.py):
    arms shared within a paper combined (or split, `multi_arm="split"`), and several
    reports of one trial (same `study_id`) taken once."""
    grouped = assign(studies, analyses)
    measures_wanted = {a.name: a.measure for a in analyses or []}
    by_measure = {m: table.by_key(m) for m in table.effects}
    results: list[AnalysisResult] = []
    problems: list[GroupProblem] = []
    for name, members in grouped.items():
        excluded: list[Exclusion] = []
        grouping: list[str] = []
        local = by_measure
        types_of = table.outcome_types
        if roles is not None:
            counted = count_once(members, roles, table.outcome_types, multi_arm)
            members, excluded, grouping = counted.studies, counted.excluded, counted.notes
            changed = [s for s in members if s.grouping]
            if changed:
                # Merged or split studies get their own effect sizes; the rest are reused.
                fresh = compute_effects(changed, roles, tuple(table.effects), drop00=table.drop00)
                local = {m: {**by_measure.get(m, {}), **fresh.by_key(m)} for m in table.effects}
                types_of = {**table.outcome_types, **fresh.outcome_types}
                excluded += fresh.excluded
        types = Counter(types_of[s.key] for s in members if s.key in types_of)
        if not types:
            problems.append(GroupProblem(name, "too_few_studies", _few(name, 0, members)))
            continue
        kind = types.most_common(1)[0][0]
        primary = measures_wanted.get(name) or DEFAULT_PRIMARY[kind]
        measures = BINARY_MEASURES if kind == "binary" else CONTINUOUS_MEASURES
        if primary not in measures:
            problems.append(
                GroupProblem(name, "measure_mismatch", f"measure {primary} for {kind} outcomes")
            )
            primary = DEFAULT_PRIMARY[kind]
        other_type = [s.label for s in members if types_of.get(s.key, kind) != kind]
        if other_type:
            problems.append(
                GroupProblem(
                    name,
                    "mixed_outcome_types",
                    f"{len(other_type)} target(s) are not {kind} and are left out: "
                    + ", ".join(other_type),
                )
            )
        effects = {
            m: [local[m][s.key] for s in members if s.key in local.get(m, {})] for m in measures
        }
        usable = effects[primary]
        left_out = [s.label for s in members if s.key not in local.get(primary, {})]
        if len(usable) < 2:
            problems.append(GroupProblem(name, "too_few_studies", _few(name, len(usable), members)))
            continue
        pooled = {
            m: pool([e.yi for e in es], [e.vi for e in es])
            for m, es in effects.items()
            if len(es) >= 2
        }
        result = AnalysisResult(
            name, kind, primary, effects, pooled, left_out=left_out, excluded=excluded,
            grouping=grouping,
        )  # fmt: skip
        if with_sensitivity:
            result.sensitivity = sensitivity(usable, pooled[primary], method)
        results.append(result)
    return MetaAnalyses(method, results, problems, multi_arm)


def _few(name: str, usable: int, members: list[Study]) -> str:
    return (
        f"{usable} usable stud{'y' if usable == 1 else 'ies'} of {len(members)} "
        "(pooling needs at least 2): not pooled"
    )
