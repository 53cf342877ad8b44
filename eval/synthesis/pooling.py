"""Pool effect sizes: fixed effect, and random effects by DerSimonian–Laird and Paule–Mandel.

All estimates come from `statsmodels.stats.meta_analysis.combine_effects` (inverse-variance
weights, normal-based CIs, as metafor's `rma(..., test="z")`). Heterogeneity: Cochran's Q
with its chi² p-value, I² = (Q - df) / Q (Higgins & Thompson 2002; the same for both τ²
estimators), and τ² per estimator. The prediction interval for a new study is
Higgins, Thompson & Spiegelhalter (2009): μ ± t(k-2) · sqrt(τ² + SE(μ)²), for k ≥ 3
(Cochrane Handbook 6.x, section 10.10.4.3).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

RANDOM_METHODS = ("DL", "PM")
_STATSMODELS_METHOD = {"DL": "dl", "PM": "pm"}
_Z = float(stats.norm.isf(0.025))


@dataclass(frozen=True)
class Estimate:
    mu: float
    se: float

    @property
    def ci(self) -> tuple[float, float]:
        return (self.mu - _Z * self.se, self.mu + _Z * self.se)

    @property
    def significant(self) -> bool:
        low, high = self.ci
        return low > 0 or high < 0


@dataclass
class Pooled:
    k: int
    fixed: Estimate
    random: dict[str, Estimate]
    tau2: dict[str, float]
    q: float
    df: int
    i2: float
    weights: dict[str, list[float]] = field(default_factory=dict)  # percent, per model

    @property
    def q_pvalue(self) -> float:
        return float(stats.chi2.sf(self.q, self.df)) if self.df > 0 else math.nan

    def prediction_interval(self, method: str) -> tuple[float, float] | None:
        if self.k < 3:
            return None
        est = self.random[method]
        t = float(stats.t.isf(0.025, self.k - 2))
        half = t * math.sqrt(self.tau2[method] + est.se**2)
        return (est.mu - half, est.mu + half)


def pool(
    yi: list[float] | np.ndarray,
    vi: list[float] | np.ndarray,
    methods: tuple[str, ...] = RANDOM_METHODS,
) -> Pooled:
    """Fixed- and random-effects summaries of k >= 2 effect sizes with their variances.

    `methods` limits the random-effects estimators (leave-one-out needs only one).
    """
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    if len(yi) < 2:
        raise ValueError("pooling needs at least 2 studies")
    random: dict[str, Estimate] = {}
    tau2: dict[str, float] = {}
    weights: dict[str, list[float]] = {}
    result = None
    for method in methods:
        with warnings.catch_warnings():
            # PM iterations warn on k=2 when tau² sits at its bound of 0: that is an answer.
            warnings.simplefilter("ignore")
            result = combine_effects(yi, vi, method_re=_STATSMODELS_METHOD[method])
        if result.tau2 > 0:
            random[method] = Estimate(float(result.mean_effect_re), float(result.sd_eff_w_re))
            tau2[method] = float(result.tau2)
            weights[method] = [float(w) * 100 for w in result.weights_rel_re]
        else:
            # statsmodels 0.15 leaves a negative DL tau² untruncated and weights with it;
            # tau² is truncated at 0 (DerSimonian & Laird 1986), so the model is the fixed one.
            random[method] = Estimate(float(result.mean_effect_fe), float(result.sd_eff_w_fe))
            tau2[method] = 0.0
            weights[method] = [float(w) * 100 for w in result.weights_rel_fe]
    assert result is not None
    weights["FE"] = [float(w) * 100 for w in result.weights_rel_fe]
    return Pooled(
        k=int(result.k),
        fixed=Estimate(float(result.mean_effect_fe), float(result.sd_eff_w_fe)),
        random=random,
        tau2=tau2,
        q=float(result.q),
        df=int(result.df),
        i2=max(0.0, float(result.i2)),
        weights=weights,
    )
