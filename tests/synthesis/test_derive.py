"""schemas/derive.py against published numbers, each matched within its printed rounding."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from schemas import derive


def test_sd_from_se_handbook_formula():
    # Handbook 6.5.2.2: SD = SE × √N. SE 2.0 in a group of 25 is SD 10 (and back).
    d = derive.sd_from_se(2.0, 25)
    assert d.value == pytest.approx(10.0)
    assert "√25" in d.formula and d.inputs == {"se": 2.0, "n": 25}


def test_sd_from_ci_uses_t_for_small_groups_and_392_for_large():
    # Published t table: t(0.975, df=24) = 2.064; the Handbook's large-sample divisor 3.92.
    small = derive.sd_from_ci(19.8, 24.2, 25)
    assert round(2 * stats.t.ppf(0.975, 24), 3) == 4.128
    assert small.value == pytest.approx(5 * 4.4 / 4.128, abs=0.005)
    assert "t(0.975, df=24)" in small.formula
    large = derive.sd_from_ci(10.0, 13.92, 100)
    assert round(2 * derive.Z_975, 2) == 3.92
    assert large.value == pytest.approx(10.0, abs=0.01)  # √100 × 3.92 / 3.92


def test_sd_from_mean_difference_handbook_6_5_2_3_example():
    # Handbook 6.5.2.3 (7.7.3.3 in v5.1): groups of 25 and 22, MD 3.8, P = 0.008:
    # t(45) = 2.78, SE = 3.8 / 2.78 = 1.37, SD = 1.37 / √(1/25 + 1/22) = 4.69.
    t = stats.t.isf(0.008 / 2, 45)
    assert round(t, 2) == 2.78
    assert round(3.8 / t, 2) == 1.37
    assert round(derive.sd_from_md_se(1.37, 25, 22).value, 2) == 4.69
    # The same trial printing its 95% CI instead gives the same SD back (t on 45 df).
    half = stats.t.ppf(0.975, 45) * 1.37
    d = derive.sd_from_md_ci(3.8 - half, 3.8 + half, 25, 22)
    assert round(d.value, 2) == 4.69
    assert "t(0.975, df=45)" in d.formula


@pytest.mark.parametrize(
    ("percent", "n", "events", "several"),
    [(33.3, 30, 10, False), (33, 300, 99, True), (12.5, 8, 1, False), (0.0, 40, 0, False)],
)
def test_events_from_percent_flags_ambiguous_rounding(percent, n, events, several):
    d = derive.events_from_percent(percent, n)
    assert d.value == events
    assert bool(d.warning) is several
    if several:
        assert "98–100" in d.warning  # 98/300 = 32.7%, 100/300 = 33.3%: all print as 33%


def test_wan_divisors_match_published_constants():
    # ξ(n) approximates the expected range of n normal values; the published exact
    # values (d2 of quality-control tables, also Wan et al. 2014 Table 1) for n = 5, 10, 25:
    for n, d2 in ((5, 2.326), (10, 3.078), (25, 3.931)):
        assert derive.wan_xi(n) == pytest.approx(d2, rel=0.015)
    # η(n) tends to 2 × 0.6745 = 1.35, the Handbook's IQR / 1.35 (6.5.2.5).
    assert round(derive.wan_eta(10_000), 2) == 1.35


def test_median_iqr_and_range_methods_are_named_and_exact_for_symmetric_data():
    # For a symmetric sample every estimator gives back the median as the mean.
    assert derive.mean_from_median_iqr(50, 40, 60, 30).value == pytest.approx(50)
    assert derive.mean_from_median_range(50, 10, 90, 30).value == pytest.approx(50)
    # Luo et al. 2018 weights: 0.7 + 0.39/n (IQR) and 4/(4 + n^0.75) (range).
    skewed = derive.mean_from_median_iqr(5, 4, 10, 39)
    assert skewed.value == pytest.approx(0.71 * 7 + 0.29 * 5)
    assert "Luo et al. 2018" in skewed.method
    r = derive.mean_from_median_range(6, 2, 14, 16)
    w = 4 / (4 + 16**0.75)
    assert r.value == pytest.approx(w * 8 + (1 - w) * 6) and w == pytest.approx(1 / 3)
    sd = derive.sd_from_iqr(4, 10, 39)
    assert "Wan et al. 2014" in sd.method
    assert sd.value == pytest.approx(6 / (2 * stats.norm.ppf((0.75 * 39 - 0.125) / 39.25)))


def test_median_to_mean_sd_on_simulated_normal_samples():
    # The methods' promise (Wan 2014, Luo 2018): close to the sample mean and SD for
    # normal data. 2000 samples of n = 100 from N(50, 10²): mean error < 0.1, SD within 3%.
    rng = np.random.default_rng(7)
    mean_err, sd_ratio = [], []
    for _ in range(2000):
        x = rng.normal(50, 10, 100)
        q1, m, q3 = np.percentile(x, [25, 50, 75])
        mean_err.append(derive.mean_from_median_iqr(m, q1, q3, 100).value - x.mean())
        sd_ratio.append(derive.sd_from_iqr(q1, q3, 100).value / x.std(ddof=1))
    assert abs(np.mean(mean_err)) < 0.1
    assert np.mean(sd_ratio) == pytest.approx(1.0, abs=0.03)


def test_combine_groups_equals_the_pooled_raw_data():
    # Handbook Table 6.5.a: two groups as one give the mean and SD of all their values.
    a = np.array([12.0, 15, 9, 20, 11, 14])
    b = np.array([22.0, 18, 25, 19])
    n, mean, sd = derive.combine_means(len(a), a.mean(), a.std(ddof=1), len(b), b.mean(),
                                       b.std(ddof=1))  # fmt: skip
    both = np.concatenate([a, b])
    assert (n, mean) == (10, pytest.approx(both.mean()))
    assert sd == pytest.approx(both.std(ddof=1))
    assert math.isfinite(sd)


def test_sd_from_range_uses_wan_table_1_for_small_groups():
    # Wan et al. 2014, Table 1 (published): ξ(10) = 3.078, ξ(50) = 4.498; beyond 50, eq. (7).
    assert derive.sd_from_range(2.0, 8.156, 10).value == pytest.approx(6.156 / 3.078)
    assert derive.wan_xi(50) == 4.498 and derive.wan_xi(11) == 3.173
    assert derive.wan_xi(400) == pytest.approx(2 * 2.949, rel=0.01)  # 2 Φ⁻¹(0.99844)
