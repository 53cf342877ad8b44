"""Every agreement statistic against an independent reference or a published value."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from eval import agreement as ag

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 coders x 12 units with
# missing values; the same data ship with Gwet's irrCAC as `cac.raw4raters`.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(u) for u in zip(*KRIPPENDORFF_EXAMPLE, strict=True)]

# Gwet's irrCAC README: contingency table `cont3x3abstractors` (2 raters, 100 subjects).
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def _expand(table: list[list[int]]) -> tuple[list[int], list[int]]:
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


def test_krippendorff_worked_example_published_values() -> None:
    # Published: nominal 0.743, interval 0.849 (Krippendorff 2011).
    assert ag.krippendorff_alpha(UNITS, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert ag.krippendorff_alpha(UNITS, "interval") == pytest.approx(0.849, abs=5e-4)


def test_gwet_ac1_published_values() -> None:
    # irrCAC README (Gwet): raw4raters AC1 = 0.77544; cont3x3abstractors AC1 = 0.8493305.
    assert ag.gwet_ac1(UNITS) == pytest.approx(0.77544, abs=5e-6)
    a, b = _expand(ABSTRACTORS)
    assert ag.gwet_ac1(list(zip(a, b, strict=True))) == pytest.approx(0.8493305, abs=5e-8)


def test_two_rater_published_kappa_and_alpha() -> None:
    # irrCAC README: Cohen's kappa 0.7964094, Krippendorff's alpha 0.7972585.
    a, b = _expand(ABSTRACTORS)
    assert ag.cohen_kappa(a, b) == pytest.approx(0.7964094, abs=5e-8)
    assert ag.krippendorff_alpha(list(zip(a, b, strict=True))) == pytest.approx(0.7972585, abs=5e-8)


@pytest.mark.parametrize("seed", range(6))
def test_cohen_kappa_matches_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.choice(["binary", "continuous", "(empty)"], size=80, p=[0.6, 0.3, 0.1])
    b = np.where(rng.random(80) < 0.7, a, rng.choice(["binary", "continuous", "(empty)"], 80))
    assert ag.cohen_kappa(list(a), list(b)) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_alpha_matches_krippendorff_package(seed: int) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 5, size=(3, 40)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    units = [[None if np.isnan(v) else float(v) for v in col] for col in data.T]
    for level in ("nominal", "interval"):
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ag.krippendorff_alpha(units, level) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_gwet_ac1_matches_irrcac(seed: int) -> None:
    irr = pytest.importorskip("irrCAC.raw")
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    data = rng.choice([1.0, 2.0, 3.0], size=(60, 2), p=[0.7, 0.2, 0.1])
    agree = rng.random(60) < 0.6  # the second rater copies the first 60% of the time
    data[agree, 1] = data[agree, 0]
    expected = irr.CAC(pd.DataFrame(data)).gwet()["est"]["coefficient_value"]
    ours = ag.gwet_ac1([[float(x) for x in row] for row in data])
    # irrCAC rounds its reported coefficient to 5 decimals.
    assert ours == pytest.approx(float(expected), abs=6e-6)


def test_batched_stats_equal_pooled_stats() -> None:
    """Per-unit statistics summed equal the statistics of all units: what the bootstrap uses."""
    cats = sorted({v for u in UNITS for v in u if v is not None})
    per_unit = np.array([ag.nominal_alpha_stats([u], cats) for u in UNITS])
    pooled = ag.nominal_alpha_from_stats(per_unit.sum(axis=0))
    assert pooled == pytest.approx(ag.krippendorff_alpha(UNITS, "nominal"), abs=1e-12)
    per_unit = np.array([ag.interval_alpha_stats([u]) for u in UNITS])
    assert ag.interval_alpha_from_stats(per_unit.sum(axis=0)) == pytest.approx(
        ag.krippendorff_alpha(UNITS, "interval"), abs=1e-12
    )
    ac1 = np.array([ag.ac1_stats([u], cats) for u in UNITS])
    assert ag.ac1_from_stats(ac1.sum(axis=0)) == pytest.approx(ag.gwet_ac1(UNITS), abs=1e-12)


def test_kappa_undefined_when_one_category_only() -> None:
    assert np.isnan(ag.cohen_kappa(["a"] * 5, ["a"] * 5))


def test_bootstrap_is_seeded_and_reproducible() -> None:
    per_paper = np.array([[1, 1]] * 70 + [[0, 1]] * 30, dtype=float)
    w1 = ag.paper_weights(100, 500, seed=3)
    w2 = ag.paper_weights(100, 500, seed=3)
    w3 = ag.paper_weights(100, 500, seed=4)
    ci1 = ag.bootstrap_ci(per_paper, ag.ratio_from_stats, w1)
    assert ci1 == ag.bootstrap_ci(per_paper, ag.ratio_from_stats, w2)
    assert ci1 != ag.bootstrap_ci(per_paper, ag.ratio_from_stats, w3)


def test_bootstrap_ci_known_case() -> None:
    """200 papers, one cell each, 140 correct: the percentile CI of a proportion is close to
    the normal-approximation interval p +- 1.96 sqrt(p (1 - p) / n) and contains p."""
    per_paper = np.array([[1, 1]] * 140 + [[0, 1]] * 60, dtype=float)
    low, high = ag.bootstrap_ci(per_paper, ag.ratio_from_stats, ag.paper_weights(200, 4000, 0))
    half = 1.96 * np.sqrt(0.7 * 0.3 / 200)
    assert low < 0.7 < high
    assert low == pytest.approx(0.7 - half, abs=0.01)
    assert high == pytest.approx(0.7 + half, abs=0.01)


def test_bootstrap_ci_matches_scipy_percentile_bootstrap() -> None:
    from scipy.stats import bootstrap

    rng = np.random.default_rng(11)
    hits = (rng.random(150) < 0.55).astype(float)
    per_paper = np.column_stack([hits, np.ones_like(hits)])
    ours = ag.bootstrap_ci(per_paper, ag.ratio_from_stats, ag.paper_weights(150, 5000, 1))
    ref = bootstrap((hits,), np.mean, n_resamples=5000, method="percentile", rng=2)
    assert ours[0] == pytest.approx(ref.confidence_interval.low, abs=0.01)
    assert ours[1] == pytest.approx(ref.confidence_interval.high, abs=0.01)
