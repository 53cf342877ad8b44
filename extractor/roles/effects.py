"""Effect reconstruction: an OR, RR, RD or MD the paper prints for the comparison, and
whether the extracted numbers reproduce it within rounding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from extractor.roles.codes import Passed, RoleCode, RoleResult
from schemas.derive import decimals
from schemas.extracted import Finding
from schemas.roles import BINARY_ROLES, CONTINUOUS_ROLES, EffectRoles

# Abbreviations in capitals only ("or a comparator (n = 6,885)" prints no odds ratio);
# a number followed by ",ddd" is a count with a thousands separator, not an estimate.
ESTIMATE = re.compile(
    r"\b(?P<measure>OR|RR|RD|MD|HR|(?i:odds ratio|risk ratio|relative risk|risk difference|"
    r"mean difference|difference))\b[^0-9\-−]{0,25}(?P<value>[-−]?\d+(?:[.·]\d+)?)(?!,\d{3})"
)


def estimate_measure(name: str, binary: bool) -> str | None:
    key = name.lower()
    if key in ("or", "odds ratio"):
        return "OR" if binary else None
    if key in ("rr", "risk ratio", "relative risk"):
        return "RR" if binary else None
    if key in ("rd", "risk difference"):
        return "RD" if binary else None
    if key in ("md", "mean difference", "difference"):
        return None if binary else "MD"
    return None


def expected_estimates(measure: str, v: Mapping[str, float], binary: bool) -> list[float] | None:
    """The estimate in both directions (papers compare either arm with the other)."""
    # statsmodels costs ~2 s to import: only when a paper prints an estimate, not at the
    # start of every `extract`.
    from schemas.effect_sizes import binary_effect, mean_difference

    if binary:
        yi, _, _ = binary_effect(measure, [v["ai"]], [v["n1i"]], [v["ci"]], [v["n2i"]])
        y = float(yi[0])
        if measure == "RD":
            return [y, -y, 100 * y, -100 * y]
        return [math.exp(y), math.exp(-y)]
    yi, _ = mean_difference(
        [v["m1i"]], [v["sd1i"]], [v["n1i"]], [v["m2i"]], [v["sd2i"]], [v["n2i"]]
    )
    return [float(yi[0]), -float(yi[0])]


def half_unit(raw: str) -> float:
    """Half the last printed place of a number: how far the rounding may have moved it."""
    return 0.5 * 10 ** -decimals(raw)


def check_effects(
    roles: EffectRoles, values: Mapping[str, float], results: dict[str, RoleResult]
) -> None:
    """An estimate printed beside the values (in the row or sentence a value is judged by)
    must follow from them: each role value passes or fails the effect check."""
    v = values
    binary = all(r in v for r in ("ai", "n1i", "ci", "n2i"))
    continuous = all(r in v for r in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"))
    if not (binary or continuous):
        return
    if binary and not (0 <= v["ai"] <= v["n1i"] and 0 <= v["ci"] <= v["n2i"]):
        return  # no 2x2 table: the rules flag it
    if continuous and min(v["n1i"], v["n2i"], v["sd1i"], v["sd2i"]) <= 0:
        return
    wanted = BINARY_ROLES if binary else CONTINUOUS_ROLES
    units = {id(r.where.unit): r.where.unit for r in results.values() if r.where}
    for unit in units.values():
        for match in ESTIMATE.finditer(unit.text):
            measure = estimate_measure(match.group("measure"), binary)
            if measure is None:
                continue
            printed = float(match.group("value").replace("·", ".").replace("−", "-"))
            expected = expected_estimates(measure, v, binary)
            if expected is None:
                continue
            tolerance = half_unit(match.group("value")) + 0.011 * abs(printed)
            ok = any(abs(e - printed) <= tolerance for e in expected)
            for role in wanted:
                name = roles.field(role)
                if name not in results:
                    continue
                if ok:
                    results[name].passed.append(Passed.effect)
                else:
                    shown = ", ".join(f"{e:.3g}" for e in expected)
                    results[name].findings.append(
                        Finding(
                            code=RoleCode.effect_mismatch,
                            message=f"the paper prints {match.group(0)!r}; the values give {shown}",
                        )
                    )
            return
