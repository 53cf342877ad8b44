"""Fill a target's missing pooled inputs from what its paper printed, never silently.

For each arm, a missing SD comes from the printed SE, 95% CI, IQR or range; a missing
mean from a median with its IQR or range; missing events from a percentage of N; and,
when no arm-level spread is printed, a common SD from the 95% CI of the mean difference.
The arithmetic is `schemas/derive.py`; here the form's roles say which field is which,
and every filled number keeps its `Derivation` (method, formula, inputs, quotes), which
exports, plots and the page show as `derived`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from eval.synthesis.effects import outcome_type
from eval.synthesis.roles import EffectRoles
from eval.synthesis.studies import Study
from schemas import derive
from schemas.derive import Derivation


def _number(study: Study, roles: EffectRoles, role: str) -> float | None:
    name = roles.field(role)
    value = study.values.get(name) if name else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _text(study: Study, roles: EffectRoles, role: str) -> str:
    name = roles.field(role)
    value = study.values.get(name) if name else None
    return str(value).strip().upper() if value is not None else ""


def _quoted(d: Derivation, study: Study, roles: EffectRoles, used: list[str]) -> Derivation:
    """The derivation with the paper's words for each printed number it used."""
    names = [n for n in (roles.field(r) for r in used) if n and study.values.get(n) is not None]
    quotes = {n: study.quotes[n] for n in names if study.quotes.get(n)}
    return replace(d, quotes=quotes, sources=tuple(names))


def derive_arm(study: Study, roles: EffectRoles, arm: str, kind: str) -> dict[str, Derivation]:
    """role -> derivation for the missing numbers of arm "1" or "2"."""
    n = _number(study, roles, f"n{arm}i")
    if n is None or n <= 0:
        return {}
    out: dict[str, Derivation] = {}
    if kind == "binary":
        events = "ai" if arm == "1" else "ci"
        percent_role = f"pct{arm}i"
        percent = _number(study, roles, percent_role)
        if _number(study, roles, events) is None and percent is not None:
            raw = study.values.get(roles.field(percent_role) or "")
            d = derive.events_from_percent(percent, int(n), derive.decimals(raw))
            out[events] = _quoted(d, study, roles, [percent_role, f"n{arm}i"])
        return out
    spread = _text(study, roles, f"spread{arm}i")
    low, high = _number(study, roles, f"lo{arm}i"), _number(study, roles, f"hi{arm}i")
    se = _number(study, roles, f"se{arm}i")
    bounds = [f"lo{arm}i", f"hi{arm}i", f"spread{arm}i", f"n{arm}i"]
    if _number(study, roles, f"sd{arm}i") is None:
        d = None
        if se is not None and se > 0:
            d, used = derive.sd_from_se(se, n), [f"se{arm}i", f"n{arm}i"]
        elif low is not None and high is not None and high > low:
            used = bounds
            if spread == "95% CI":
                d = derive.sd_from_ci(low, high, n)
            elif spread == "IQR":
                d = derive.sd_from_iqr(low, high, n)
            elif spread == "RANGE":
                d = derive.sd_from_range(low, high, n)
        if d is not None:
            out[f"sd{arm}i"] = _quoted(d, study, roles, used)
    median = _number(study, roles, f"med{arm}i")
    mean_missing = _number(study, roles, f"m{arm}i") is None
    if mean_missing and median is not None and low is not None and high is not None:
        d = None
        if spread == "IQR" and low <= median <= high:
            d = derive.mean_from_median_iqr(median, low, high, n)
        elif spread == "RANGE" and low <= median <= high:
            d = derive.mean_from_median_range(median, low, high, n)
        if d is not None:
            out[f"m{arm}i"] = _quoted(d, study, roles, [f"med{arm}i", *bounds])
    return out


def _from_mean_difference(study: Study, roles: EffectRoles, have: dict[str, Any]) -> dict:
    """A common SD for both arms from the printed CI of the mean difference."""
    n1, n2 = _number(study, roles, "n1i"), _number(study, roles, "n2i")
    low, high = _number(study, roles, "md_lo"), _number(study, roles, "md_hi")
    if None in (n1, n2, low, high) or have.get("sd1i") is not None or have.get("sd2i") is not None:
        return {}
    assert n1 is not None and n2 is not None and low is not None and high is not None
    if n1 <= 0 or n2 <= 0 or high <= low:
        return {}
    d = _quoted(derive.sd_from_md_ci(low, high, n1, n2), study, roles, ["md_lo", "md_hi"])
    return {"sd1i": d, "sd2i": d}


def with_derivations(study: Study, roles: EffectRoles, kind: str) -> Study:
    """A copy of `study` whose missing pooled inputs are derived from the printed form."""
    found: dict[str, Derivation] = {}
    for arm in ("1", "2"):
        found |= derive_arm(study, roles, arm, kind)
    if kind == "continuous":
        have = {r: _number(study, roles, r) for r in ("sd1i", "sd2i")}
        have |= {r: d.value for r, d in found.items()}
        found |= _from_mean_difference(study, roles, have)
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
