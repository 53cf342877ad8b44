"""Derivations from a record's printed form: which printed numbers give which pooled input.

A form declares its roles (`effect_roles`: metafor's escalc names plus the printed-form
roles, see eval/synthesis/roles.py) and a record holds values; this module says, for one
record, which pooled inputs (SD, mean, events) are missing and can be derived from what
the paper printed (SE, 95% CI, IQR or range, median, percentage, CI of the mean
difference), using the methods of `schemas/derive.py`. Plain mappings in and out, so the
synthesis and the review export share it (one owner).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from schemas import derive
from schemas.derive import Derivation


@dataclass(frozen=True)
class _Record:
    values: Mapping[str, Any]
    quotes: Mapping[str, str]
    fields: Mapping[str, str]  # role -> field name

    def field(self, role: str) -> str | None:
        return self.fields.get(role)


def record_kind(values: Mapping[str, Any], fields: Mapping[str, str]) -> str | None:
    """binary | continuous: the declared outcome type, else the numbers the record holds."""
    declared = values.get(fields["outcome_type"]) if "outcome_type" in fields else None
    if declared in ("binary", "continuous"):
        return str(declared)
    has = {r: values.get(f) is not None for r, f in fields.items()}
    if all(r in fields for r in ("ai", "n1i", "ci", "n2i")) and (has.get("ai") or has.get("ci")):
        return "binary"
    continuous = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
    if all(r in fields for r in continuous) and (has.get("m1i") or has.get("m2i")):
        return "continuous"
    return None


def _number(rec: _Record, role: str) -> float | None:
    name = rec.field(role)
    value = rec.values.get(name) if name else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _text(rec: _Record, role: str) -> str:
    name = rec.field(role)
    value = rec.values.get(name) if name else None
    return str(value).strip().upper() if value is not None else ""


def _quoted(d: Derivation, rec: _Record, used: list[str]) -> Derivation:
    """The derivation with the paper's words for each printed number it used."""
    names = [n for n in (rec.field(r) for r in used) if n and rec.values.get(n) is not None]
    quotes = {n: rec.quotes[n] for n in names if rec.quotes.get(n)}
    return replace(d, quotes=quotes, sources=tuple(names))


def derive_arm(rec: _Record, arm: str, kind: str) -> dict[str, Derivation]:
    """role -> derivation for the missing numbers of arm "1" or "2"."""
    n = _number(rec, f"n{arm}i")
    if n is None or n <= 0:
        return {}
    out: dict[str, Derivation] = {}
    if kind == "binary":
        events = "ai" if arm == "1" else "ci"
        percent_role = f"pct{arm}i"
        percent = _number(rec, percent_role)
        if _number(rec, events) is None and percent is not None:
            raw = rec.values.get(rec.field(percent_role) or "")
            d = derive.events_from_percent(percent, int(n), derive.decimals(raw))
            out[events] = _quoted(d, rec, [percent_role, f"n{arm}i"])
        return out
    spread = _text(rec, f"spread{arm}i")
    low, high = _number(rec, f"lo{arm}i"), _number(rec, f"hi{arm}i")
    se = _number(rec, f"se{arm}i")
    bounds = [f"lo{arm}i", f"hi{arm}i", f"spread{arm}i", f"n{arm}i"]
    if _number(rec, f"sd{arm}i") is None:
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
            out[f"sd{arm}i"] = _quoted(d, rec, used)
    median = _number(rec, f"med{arm}i")
    mean_missing = _number(rec, f"m{arm}i") is None
    if mean_missing and median is not None and low is not None and high is not None:
        d = None
        if spread == "IQR" and low <= median <= high:
            d = derive.mean_from_median_iqr(median, low, high, n)
        elif spread == "RANGE" and low <= median <= high:
            d = derive.mean_from_median_range(median, low, high, n)
        if d is not None:
            out[f"m{arm}i"] = _quoted(d, rec, [f"med{arm}i", *bounds])
    return out


def _from_mean_difference(rec: _Record, have: dict[str, Any]) -> dict:
    """A common SD for both arms from the printed CI of the mean difference."""
    n1, n2 = _number(rec, "n1i"), _number(rec, "n2i")
    low, high = _number(rec, "md_lo"), _number(rec, "md_hi")
    if None in (n1, n2, low, high) or have.get("sd1i") is not None or have.get("sd2i") is not None:
        return {}
    assert n1 is not None and n2 is not None and low is not None and high is not None
    if n1 <= 0 or n2 <= 0 or high <= low:
        return {}
    d = _quoted(derive.sd_from_md_ci(low, high, n1, n2), rec, ["md_lo", "md_hi"])
    return {"sd1i": d, "sd2i": d}


def derive_record(
    values: Mapping[str, Any],
    fields: Mapping[str, str],
    kind: str,
    quotes: Mapping[str, str] | None = None,
) -> dict[str, Derivation]:
    """role -> derivation for each pooled input the record lacks and its printed form gives."""
    rec = _Record(values, quotes or {}, fields)
    found: dict[str, Derivation] = {}
    for arm in ("1", "2"):
        found |= derive_arm(rec, arm, kind)
    if kind == "continuous":
        have = {r: _number(rec, r) for r in ("sd1i", "sd2i")}
        have |= {r: d.value for r, d in found.items()}
        found |= _from_mean_difference(rec, have)
    return found
