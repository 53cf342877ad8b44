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

from eval.synthesis.effects import BINARY_MEASURES, CONTINUOUS_MEASURES, Effect, EffectTable
from eval.synthesis.grouping import Analysis, assign
from eval.synthesis.pooling import Pooled, pool
from eval.synthesis.sensitivity import Sensitivity, sensitivity
from eval.synthesis.studies import Study

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

    @property
    def k(self) -> int:
        return len(self.effects.get(self.primary, []))


@dataclass
class MetaAnalyses:
    method: str  # the random-effects estimator used for sensitivity and plots
    results: list[AnalysisResult]
    problems: list[GroupProblem]


def run_meta_analyses(
    studies: list[Study],
    table: EffectTable,
    analyses: list[Analysis] | None,
    *,
    method: str = "DL",
    with_sensitivity: bool = True,
) -> MetaAnalyses:
    grouped = assign(studies, analyses)
    measures_wanted = {a.name: a.measure for a in analyses or []}
    by_measure = {m: table.by_key(m) for m in table.effects}
    results: list[AnalysisResult] = []
    problems: list[GroupProblem] = []
    for name, members in grouped.items():
        types = Counter(table.outcome_types[s.key] for s in members if s.key in table.outcome_types)
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
        other_type = [s.label for s in members if table.outcome_types.get(s.key, kind) != kind]
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
            m: [by_measure[m][s.key] for s in members if s.key in by_measure.get(m, {})]
            for m in measures
        }
        usable = effects[primary]
        left_out = [s.label for s in members if s.key not in by_measure.get(primary, {})]
        if len(usable) < 2:
            problems.append(GroupProblem(name, "too_few_studies", _few(name, len(usable), members)))
            continue
        pooled = {
            m: pool([e.yi for e in es], [e.vi for e in es])
            for m, es in effects.items()
            if len(es) >= 2
        }
        result = AnalysisResult(name, kind, primary, effects, pooled, left_out=left_out)
        if with_sensitivity:
            result.sensitivity = sensitivity(usable, pooled[primary], method)
        results.append(result)
    return MetaAnalyses(method, results, problems)


def _few(name: str, usable: int, members: list[Study]) -> str:
    return (
        f"{usable} usable stud{'y' if usable == 1 else 'ies'} of {len(members)} "
        "(pooling needs at least 2): not pooled"
    )
