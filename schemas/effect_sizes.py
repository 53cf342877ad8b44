"""Effect sizes of one comparison from its numbers: the one computation every stage uses.

`synthesize` pools them and the role checks reconstruct a printed estimate with them
(an OR, RR, RD or MD the paper gives must follow from the extracted numbers).

Zero cells: a 2x2 table with a zero cell gets 0.5 added to each of its four cells
(metafor's escalc default `add=1/2, to="only0"`, RevMan's); see eval/synthesis/effects.py
for why statsmodels is called separately for tables with and without zeros.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from statsmodels.stats.meta_analysis import effectsize_2proportions

ZERO_CELL_CORRECTION = 0.5
_STATSMODELS_STATISTIC = {"OR": "odds-ratio", "RR": "risk-ratio", "RD": "diff"}


def binary_effect(
    measure: str, ai: Any, n1i: Any, ci: Any, n2i: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(effect, variance, zero-corrected?) arrays for OR, RR (both log) or RD."""
    ai, n1i, ci, n2i = (np.asarray(a, dtype=float) for a in (ai, n1i, ci, n2i))
    zero = (ai == 0) | (ai == n1i) | (ci == 0) | (ci == n2i)
    yi = np.empty(ai.shape)
    vi = np.empty(ai.shape)
    statistic = _STATSMODELS_STATISTIC[measure]
    for mask, correction in ((~zero, None), (zero, ZERO_CELL_CORRECTION)):
        if mask.any():
            yi[mask], vi[mask] = effectsize_2proportions(
                ai[mask],
                n1i[mask],
                ci[mask],
                n2i[mask],
                statistic=statistic,
                zero_correction=correction,
            )
    return yi, vi, zero


def mean_difference(
    m1i: Any, sd1i: Any, n1i: Any, m2i: Any, sd2i: Any, n2i: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Raw mean difference m1 - m2 and its variance sd1²/n1 + sd2²/n2.

    The variance does not assume equal SDs in the arms (metafor's escalc "MD", vtype "LS";
    Borenstein et al. 2009, eq. 4.5 is the pooled-SD special case).
    """
    m1i, sd1i, n1i, m2i, sd2i, n2i = (
        np.asarray(a, dtype=float) for a in (m1i, sd1i, n1i, m2i, sd2i, n2i)
    )
    return m1i - m2i, sd1i**2 / n1i + sd2i**2 / n2i


def peto_effect(ai: Any, n1i: Any, ci: Any, n2i: Any) -> tuple[np.ndarray, np.ndarray]:
    """Peto's log odds ratio (O − E)/V and its variance 1/V, per 2x2 table.

    O = ai, E = n1·(ai + ci)/N, V = n1·n2·(ai + ci)·(N − ai − ci) / (N²·(N − 1)):
    metafor's escalc("PETO"). A table with no events (or only events) has V = 0 and is
    left out before this is called.
    """
    ai, n1i, ci, n2i = (np.asarray(a, dtype=float) for a in (ai, n1i, ci, n2i))
    n = n1i + n2i
    events = ai + ci
    expected = n1i * events / n
    v = n1i * n2i * events * (n - events) / (n**2 * (n - 1))
    return (ai - expected) / v, 1 / v
