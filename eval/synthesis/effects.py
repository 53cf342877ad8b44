"""Effect sizes per target, with variance and 95% CI, or a one-line reason why not.

Binary outcomes: log odds ratio (OR), log risk ratio (RR) and risk difference (RD), from
`statsmodels.stats.meta_analysis.effectsize_2proportions`. Continuous outcomes: SMD as
Hedges' g from `effectsize_smd`, and the mean difference (MD), which statsmodels lacks
and is written here once.

Zero cells: a 2x2 table with a zero cell (no events, or only events, in an arm) gets
0.5 added to each of its four cells, for OR, RR and RD alike; tables without zeros are
left as they are. This is metafor's escalc default (`add=1/2, to="only0"`) and RevMan's.
statsmodels 0.15 adds its `zero_correction` to the event counts of *every* table while
enlarging only the zero tables' group sizes, so it is called separately for the two kinds
of table. A target with no events (or only events) in both arms says nothing about a
relative effect: it is left out of OR, RR and Peto's OR (metafor `drop00=TRUE`; one line
in excluded.csv) and kept for RD, whose 0 is informative. `drop00=False` keeps it for OR
and RR too (Yun et al.'s scorer does).

Peto's one-step odds ratio (Yusuf et al. 1985; Cochrane Handbook 10.4.4.2), offered for
rare events, needs no zero-cell correction: per study (O − E)/V with variance 1/V, so the
inverse-variance fixed-effect pool is Peto's pooled log OR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import effectsize_smd

from eval.synthesis.studies import Study
from schemas.derive import Derivation
from schemas.effect_sizes import binary_effect, mean_difference, peto_effect
from schemas.printed import record_kind
from schemas.roles import BINARY_ROLES, CONTINUOUS_ROLES, EffectRoles

BINARY_MEASURES = ("OR", "RR", "RD", "PETO")
CONTINUOUS_MEASURES = ("MD", "SMD")
MEASURES = BINARY_MEASURES + CONTINUOUS_MEASURES
RATIO_MEASURES = frozenset({"OR", "RR", "PETO"})  # pooled on the log scale
# Relative measures say nothing when neither arm (or every participant) has the event.
RELATIVE_MEASURES = ("OR", "RR", "PETO")
MEASURE_NAMES = {
    "OR": "log odds ratio",
    "RR": "log risk ratio",
    "RD": "risk difference",
    "PETO": "log Peto odds ratio (rare events)",
    "MD": "mean difference",
    "SMD": "standardised mean difference (Hedges' g)",
}
Z_95 = float(stats.norm.isf(0.025))


@dataclass
class Effect:
    study: Study
    measure: str
    yi: float
    vi: float
    inputs: dict[str, float]  # role -> number used
    zero_corrected: bool = False
    unchecked: list[str] = field(default_factory=list)  # fields still `check` or ungrounded
    verified: bool = True  # every number used is triage `verified`
    derived: list[Derivation] = field(default_factory=list)  # numbers not printed as such

    @property
    def se(self) -> float:
        return math.sqrt(self.vi)

    @property
    def ci(self) -> tuple[float, float]:
        return (self.yi - Z_95 * self.se, self.yi + Z_95 * self.se)

    @property
    def significant(self) -> bool:
        low, high = self.ci
        return low > 0 or high < 0


@dataclass(frozen=True)
class Exclusion:
    """A target (or a group) left out of the synthesis, with a stable code and a sentence."""

    label: str
    code: str
    message: str
    measure: str = ""

    def line(self) -> str:
        where = f" [{self.measure}]" if self.measure else ""
        return f"{self.label}{where}: {self.message}"


@dataclass
class EffectTable:
    effects: dict[str, list[Effect]]  # measure -> effects
    excluded: list[Exclusion]
    outcome_types: dict[tuple[str, str | None], str]  # study key -> binary | continuous
    drop00: bool = True  # both-arm zero tables left out of OR and RR

    def by_key(self, measure: str) -> dict[tuple[str, str | None], Effect]:
        return {e.study.key: e for e in self.effects.get(measure, [])}


def outcome_type(study: Study, roles: EffectRoles) -> str | None:
    """The declared outcome type, else the one whose numbers the record holds."""
    return record_kind(study.values, roles.fields)


def compute_effects(
    studies: list[Study],
    roles: EffectRoles,
    measures: tuple[str, ...] = MEASURES,
    *,
    drop00: bool = True,
    outcome_types: dict[tuple[str, str | None], str] | None = None,
) -> EffectTable:
    """Effect sizes of every usable study for each measure; the rest listed as exclusions.

    `outcome_types` overrides the per-study outcome type (the gold-vs-extracted comparison
    gives both sides the gold's type, as Yun et al. gave it to the model). Numbers a
    study derived (`Study.derivations`, eval/synthesis/printed.py) are used and marked.
    """
    excluded: list[Exclusion] = []
    types: dict[tuple[str, str | None], str] = {}
    binary: list[tuple[Study, dict[str, float]]] = []
    continuous: list[tuple[Study, dict[str, float]]] = []
    for study in studies:
        kind = (outcome_types or {}).get(study.key) or outcome_type(study, roles)
        if kind is None:
            excluded.append(Exclusion(study.label, "no_outcome_type", _no_type_message(roles)))
            continue
        types[study.key] = kind
        problem, numbers = check_numbers(study, roles, kind)
        if problem is not None:
            excluded.append(problem)
        elif kind == "binary":
            binary.append((study, numbers))
            if _uninformative(numbers):
                dropped = RELATIVE_MEASURES if drop00 else ("PETO",)
                excluded.append(_zero_exclusion(study, numbers, dropped))
        else:
            continuous.append((study, numbers))
    # Which numbers are unchecked is the same for every measure of a study: found once.
    trust: dict[int, tuple[list[str], bool]] = {}
    for kind, rows in (("binary", binary), ("continuous", continuous)):
        fields = roles.number_fields(kind)
        for study, _ in rows:
            # A derived number is as trustworthy as the printed numbers it came from.
            used = _trust_fields(study, roles, fields)
            trust[id(study)] = (study.unchecked(used), study.is_verified(used))
    effects: dict[str, list[Effect]] = {}
    for measure in measures:
        rows = binary if measure in BINARY_MEASURES else continuous
        if measure == "PETO" or (drop00 and measure in RELATIVE_MEASURES):
            rows = [(s, n) for s, n in rows if not _uninformative(n)]
        effects[measure] = _effects(measure, rows, trust)
    return EffectTable(effects, excluded, types, drop00)


def _uninformative(numbers: dict[str, float]) -> bool:
    """No events in either arm, or only events in both."""
    none = numbers["ai"] == 0 and numbers["ci"] == 0
    every = numbers["ai"] == numbers["n1i"] and numbers["ci"] == numbers["n2i"]
    return none or every


def _zero_exclusion(study: Study, numbers: dict[str, float], measures: tuple[str, ...]):
    which = "no events" if numbers["ai"] == 0 else "only events"
    kept = [m for m in BINARY_MEASURES if m not in measures]
    return Exclusion(
        study.label,
        "zero_events_both_arms",
        f"binary outcome: {which} in both arms: uninformative for {', '.join(measures)}"
        + (f" (kept for {', '.join(kept)})" if kept else ""),
        ", ".join(measures),
    )


def _trust_fields(study: Study, roles: EffectRoles, fields: list[str]) -> list[str]:
    derived = {roles.fields[r] for r in study.derivations if r in roles.fields}
    sources = [f for d in study.derivations.values() for f in d.sources]
    return list(dict.fromkeys([*(f for f in fields if f not in derived), *sources]))


def _no_type_message(roles: EffectRoles) -> str:
    field_name = roles.field("outcome_type")
    what = f"{field_name} is empty and " if field_name else ""
    return f"{what}neither events nor means are given: no effect size"


def check_numbers(
    study: Study, roles: EffectRoles, kind: str
) -> tuple[Exclusion | None, dict[str, float]]:
    """The numbers of one target, or the one reason it cannot give an effect size."""
    wanted = BINARY_ROLES if kind == "binary" else CONTINUOUS_ROLES
    numbers: dict[str, float] = {}
    missing = []
    for role in wanted:
        name = roles.field(role)
        value = study.values.get(name) if name else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            missing.append(name or role)
        else:
            numbers[role] = float(value)
    label = study.label

    def bad(code: str, message: str) -> tuple[Exclusion, dict[str, float]]:
        return Exclusion(label, code, f"{kind} outcome: {message}"), numbers

    if missing:
        return bad("missing_numbers", f"missing {', '.join(missing)}")
    f = roles.fields
    for arm in ("n1i", "n2i"):
        if numbers[arm] <= 0:
            return bad("group_size", f"{f[arm]} is {numbers[arm]:g} (must be above 0)")
    if kind == "binary":
        for events, size in (("ai", "n1i"), ("ci", "n2i")):
            if numbers[events] < 0:
                return bad("negative_events", f"{f[events]} is {numbers[events]:g}")
            if numbers[events] > numbers[size]:
                return bad(
                    "events_exceed_group",
                    f"{f[events]} {numbers[events]:g} > {f[size]} {numbers[size]:g}",
                )
    else:
        for sd in ("sd1i", "sd2i"):
            if numbers[sd] <= 0:
                return bad("sd_not_positive", f"{f[sd]} is {numbers[sd]:g} (must be above 0)")
        if numbers["n1i"] + numbers["n2i"] < 3:
            return bad("group_size", "fewer than 3 participants in all: no SMD")
    return None, numbers


def _effects(
    measure: str,
    rows: list[tuple[Study, dict[str, float]]],
    trust: dict[int, tuple[list[str], bool]],
) -> list[Effect]:
    if not rows:
        return []
    col = {r: np.array([n[r] for _, n in rows]) for r in rows[0][1]}
    corrected = np.zeros(len(rows), dtype=bool)
    if measure == "PETO":
        yi, vi = peto_effect(col["ai"], col["n1i"], col["ci"], col["n2i"])
    elif measure in BINARY_MEASURES:
        yi, vi, corrected = binary_effect(measure, col["ai"], col["n1i"], col["ci"], col["n2i"])
    elif measure == "SMD":
        yi, vi = effectsize_smd(
            col["m1i"], col["sd1i"], col["n1i"], col["m2i"], col["sd2i"], col["n2i"]
        )
    else:
        yi, vi = mean_difference(
            col["m1i"], col["sd1i"], col["n1i"], col["m2i"], col["sd2i"], col["n2i"]
        )
    out = []
    for i, (study, numbers) in enumerate(rows):
        unchecked, verified = trust[id(study)]
        derived = list({id(d): d for r, d in study.derivations.items() if r in numbers}.values())
        out.append(
            Effect(
                study, measure, float(yi[i]), float(vi[i]), numbers, bool(corrected[i]),
                unchecked, verified, derived,
            )
        )  # fmt: skip
    return out
