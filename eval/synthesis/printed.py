"""Fill a target's missing pooled inputs from what its paper printed, never silently.

For each arm, a missing SD comes from the printed SE, 95% CI, IQR or range; a missing
mean from a median with its IQR or range; missing events from a percentage of N; and,
when no arm-level spread is printed, a common SD from the 95% CI of the mean difference.
Which printed number gives which input is `schemas/printed.py` (shared with the review
export), the arithmetic `schemas/derive.py`; every filled number keeps its `Derivation`
(method, formula, inputs, quotes), which exports, plots and the page show as `derived`.
"""

from __future__ import annotations

from dataclasses import replace

from eval.synthesis.effects import outcome_type
from eval.synthesis.studies import Study
from schemas.printed import derive_record
from schemas.roles import EffectRoles


def with_derivations(study: Study, roles: EffectRoles, kind: str) -> Study:
    """A copy of `study` whose missing pooled inputs are derived from the printed form."""
    found = derive_record(study.values, roles.fields, kind, study.quotes)
    if not found:
        return study
    values = dict(study.values)
    for role, d in found.items():
        name = roles.field(role)
        if name:
            values[name] = d.value
    return replace(study, values=values, derivations={**study.derivations, **found})


def derive_studies(studies: list[Study], roles: EffectRoles) -> list[Study]:
    """Every study with its missing pooled inputs derived where its printed form allows."""
    out = []
    for study in studies:
        kind = outcome_type(study, roles)
        out.append(with_derivations(study, roles, kind) if kind else study)
    return out
