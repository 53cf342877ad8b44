"""Effect reconstruction: an OR, RR, RD or MD the paper prints for the comparison, and
whether the extracted numbers reproduce it within rounding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

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
    text = raw.replace("·", ".").rstrip("% ")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10**-decimals
