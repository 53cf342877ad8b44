"""Agreement statistics from additive sufficient statistics, with a paper-level bootstrap.

Every statistic here is a function of sums over units (a confusion matrix,
a coincidence matrix, sums of squares...). The audit sums those per paper;
the point estimate uses the total and the bootstrap re-weights papers, so a
resample costs one matrix product instead of re-running the comparison.

Definitions (two raters: gold and prediction; general m raters where noted):
- Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e from the two raters' own margins.
- Gwet's AC1 (m raters, missing allowed; Gwet 2008, 2014):
  p_a = mean over units rated by >= 2 of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)),
  pi_k = mean over units rated by >= 1 of r_ik / r_i, p_e = sum_k pi_k (1 - pi_k) / (q - 1).
- Krippendorff's alpha (m coders, missing allowed): 1 - D_o / D_e from the
  coincidence matrix (nominal) or from sums of squared differences (interval).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Literal

import numpy as np

Level = Literal["nominal", "interval"]


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den == 0, 1, den), np.nan)


# --- Cohen's kappa --------------------------------------------------------------------------


def confusion_stats(a: Sequence[Hashable], b: Sequence[Hashable], categories: list) -> np.ndarray:
    """Flattened K x K confusion counts (rows: rater a, columns: rater b)."""
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    out = np.zeros(k * k)
    for x, y in zip(a, b, strict=True):
        out[index[x] * k + index[y]] += 1
    return out


def kappa_from_stats(stats: np.ndarray) -> np.ndarray:
    """Cohen's kappa from flattened confusion counts; works on a batch (..., K*K)."""
    k = round(float(np.sqrt(stats.shape[-1])))
    conf = stats.reshape(*stats.shape[:-1], k, k)
    n = conf.sum(axis=(-2, -1))
    p_o = _safe_div(np.trace(conf, axis1=-2, axis2=-1), n)
    p_e = _safe_div((conf.sum(axis=-1) * conf.sum(axis=-2)).sum(axis=-1), n * n)
    return _safe_div(p_o - p_e, 1 - p_e)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    categories = sorted(set(a) | set(b), key=repr)
    return float(kappa_from_stats(confusion_stats(a, b, categories)))


# --- Gwet's AC1 ----------------------------------------------------------------------------


def ac1_stats(ratings: Sequence[Sequence[Hashable | None]], categories: list) -> np.ndarray:
    """[sum p_a(i), units rated >= 2, sum_i r_ik / r_i for each k, units rated >= 1]."""
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    out = np.zeros(k + 3)
    for unit in ratings:
        counts = np.zeros(k)
        for value in unit:
            if value is not None:
                counts[index[value]] += 1
        r = counts.sum()
        if r >= 1:
            out[2 : 2 + k] += counts / r
            out[-1] += 1
        if r >= 2:
            out[0] += (counts * (counts - 1)).sum() / (r * (r - 1))
            out[1] += 1
    return out


def ac1_from_stats(stats: np.ndarray) -> np.ndarray:
    q = stats.shape[-1] - 3
    p_a = _safe_div(stats[..., 0], stats[..., 1])
    pi = _safe_div(stats[..., 2:-1], stats[..., -1:])
    if q < 2:  # one category: chance agreement is undefined, as for kappa
        return np.full_like(p_a, np.nan)
    p_e = (pi * (1 - pi)).sum(axis=-1) / (q - 1)
    return _safe_div(p_a - p_e, 1 - p_e)


def gwet_ac1(ratings: Sequence[Sequence[Hashable | None]]) -> float:
    """Gwet's AC1 for units x raters (None = not rated); q = categories that occur."""
    categories = sorted({v for unit in ratings for v in unit if v is not None}, key=repr)
    return float(ac1_from_stats(ac1_stats(ratings, categories)))


# --- Krippendorff's alpha --------------------------------------------------------------------


def nominal_alpha_stats(
    ratings: Sequence[Sequence[Hashable | None]], categories: list
) -> np.ndarray:
    """Flattened K x K coincidence matrix (pairable units only)."""
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    out = np.zeros((k, k))
    for unit in ratings:
        values = [index[v] for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = np.bincount(values, minlength=k).astype(float)
        out += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return out.ravel()


def nominal_alpha_from_stats(stats: np.ndarray) -> np.ndarray:
    k = round(float(np.sqrt(stats.shape[-1])))
    coinc = stats.reshape(*stats.shape[:-1], k, k)
    n_c = coinc.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = n - np.trace(coinc, axis1=-2, axis2=-1)  # sum of off-diagonal coincidences
    expected = n * n - (n_c * n_c).sum(axis=-1)
    return 1 - _safe_div((n - 1) * observed, expected)


def interval_alpha_stats(ratings: Sequence[Sequence[float | None]]) -> np.ndarray:
    """[sum over units of sum_{i != j} (x_i - x_j)^2 / (m_u - 1), n, sum x, sum x^2]."""
    out = np.zeros(4)
    for unit in ratings:
        values = np.array([float(v) for v in unit if v is not None])
        m = len(values)
        if m < 2:
            continue
        s, ss = values.sum(), (values * values).sum()
        out += [(2 * m * ss - 2 * s * s) / (m - 1), m, s, ss]
    return out


def interval_alpha_from_stats(stats: np.ndarray) -> np.ndarray:
    d_o_sum, n, s, ss = (stats[..., i] for i in range(4))
    # alpha = 1 - D_o / D_e, D_o = d_o_sum / n, D_e = (2 n ss - 2 s^2) / (n (n - 1))
    return 1 - _safe_div((n - 1) * d_o_sum, 2 * n * ss - 2 * s * s)


def krippendorff_alpha(
    ratings: Sequence[Sequence[Hashable | None]], level: Level = "nominal"
) -> float:
    """Krippendorff's alpha for units x coders (None = missing)."""
    if level == "interval":
        return float(interval_alpha_from_stats(interval_alpha_stats(ratings)))  # type: ignore[arg-type]
    categories = sorted({v for unit in ratings for v in unit if v is not None}, key=repr)
    return float(nominal_alpha_from_stats(nominal_alpha_stats(ratings, categories)))


# --- precision / recall / F1 and accuracy ----------------------------------------------------


def f1_from_stats(stats: np.ndarray) -> np.ndarray:
    """Micro F1 from [tp, fp, fn]."""
    tp, fp, fn = stats[..., 0], stats[..., 1], stats[..., 2]
    return _safe_div(2 * tp, 2 * tp + fp + fn)


def precision_from_stats(stats: np.ndarray) -> np.ndarray:
    return _safe_div(stats[..., 0], stats[..., 0] + stats[..., 1])


def recall_from_stats(stats: np.ndarray) -> np.ndarray:
    return _safe_div(stats[..., 0], stats[..., 0] + stats[..., 2])


def ratio_from_stats(stats: np.ndarray) -> np.ndarray:
    """Accuracy-like ratios from [hits, total]."""
    return _safe_div(stats[..., 0], stats[..., 1])


# --- bootstrap over papers -----------------------------------------------------------------


StatFn = Callable[[np.ndarray], np.ndarray]


def paper_weights(n_papers: int, resamples: int, seed: int) -> np.ndarray:
    """How often each paper is drawn in each resample (resamples x papers), seeded."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_papers, np.full(n_papers, 1.0 / n_papers), size=resamples).astype(
        float
    )


def bootstrap_ci(
    per_paper: np.ndarray, statistic: StatFn, weights: np.ndarray, level: float = 0.95
) -> tuple[float | None, float | None]:
    """Percentile interval of `statistic` over paper resamples (None when undefined)."""
    values = statistic(weights @ per_paper)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None, None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
