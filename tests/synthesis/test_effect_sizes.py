"""Effect sizes against metafor's escalc examples and the papers they reproduce.

Reference values are printed to 4 decimals in their sources; metafor's own tests accept
a relative difference of 1% (tests/testthat/settings.r, `.tol`). The tolerances here are
tighter where the method is the same (rel 1e-3 on 4-decimal values) and stated where the
method differs (SMD variance).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import effectsize_smd
from synth_reference_data import BCG, HINE, NORMAND

from eval.synthesis.effects import binary_effect, mean_difference

REL = 1e-3  # values printed to 4 decimals


def _bcg_arrays():
    ai = np.array([r[2] for r in BCG], dtype=float)
    n1 = ai + np.array([r[3] for r in BCG])
    ci = np.array([r[4] for r in BCG], dtype=float)
    n2 = ci + np.array([r[5] for r in BCG])
    return ai, n1, ci, n2


def test_log_risk_ratio_matches_escalc_for_bcg_study_1():
    # metafor tests/testthat/test_misc_escalc.r: escalc("RR", dat.bcg) study 1.
    yi, vi, corrected = binary_effect("RR", *_bcg_arrays())
    assert yi[0] == pytest.approx(-0.8893, rel=REL)
    assert vi[0] == pytest.approx(0.3256, rel=REL)
    assert not corrected.any()  # no zero cell in dat.bcg: nothing may be added


def test_log_odds_ratios_match_van_houwelingen_table():
    # metafor-project.org, analyses:vanhouwelingen2002: escalc("OR", dat.colditz1994),
    # the first six trials (yi, vi).
    expected = [
        (-0.9387, 0.3571),
        (-1.6662, 0.2081),
        (-1.3863, 0.4334),
        (-1.4564, 0.0203),
        (-0.2191, 0.0520),
        (-0.9581, 0.0099),
    ]
    yi, vi, _ = binary_effect("OR", *_bcg_arrays())
    for i, (y, v) in enumerate(expected):
        assert yi[i] == pytest.approx(y, rel=REL)
        assert vi[i] == pytest.approx(v, rel=2e-3)  # 0.0099 has 2 significant digits


def test_risk_differences_match_normand_table_iii():
    # Normand (1999) Table III, p. 330, via metafor tests/testthat/test_analysis_example_
    # normand1999.r: RD in percentage points and its variance.
    n1 = np.array([r[1] for r in HINE], dtype=float)
    n2 = np.array([r[2] for r in HINE], dtype=float)
    ai = np.array([r[3] for r in HINE], dtype=float)
    ci = np.array([r[4] for r in HINE], dtype=float)
    yi, vi, _ = binary_effect("RD", ai, n1, ci, n2)
    expected_yi = [2.8026, 0.0000, 1.9711, 1.7961, 3.5334, 4.4031]
    expected_vi = [17.7575, 37.5657, 8.1323, 10.8998, 8.0114, 6.1320]
    assert yi * 100 == pytest.approx(expected_yi, rel=REL, abs=1e-4)
    assert vi * 100**2 == pytest.approx(expected_vi, rel=REL)


def test_zero_cell_gets_one_half_in_every_cell_of_that_table_only():
    # Haldane-Anscombe correction written out by hand: cells 0/10 vs 5/5 become
    # 0.5/10.5 vs 5.5/5.5, so log OR = ln(0.5*5.5 / (10.5*5.5)), var = sum of 1/cell.
    yi, vi, corrected = binary_effect("OR", [0, 4], [10, 123], [5, 11], [10, 139])
    assert corrected.tolist() == [True, False]
    assert yi[0] == pytest.approx(math.log(0.5 / 10.5), rel=1e-12)
    assert vi[0] == pytest.approx(1 / 0.5 + 1 / 10.5 + 2 / 5.5, rel=1e-12)
    # The other table is untouched: the plain log OR of 4/119 vs 11/128.
    assert yi[1] == pytest.approx(math.log(4 * 128 / (119 * 11)), rel=1e-12)
    rr, rr_var, _ = binary_effect("RR", [0], [10], [5], [10])
    assert rr[0] == pytest.approx(math.log((0.5 / 11) / (5.5 / 11)), rel=1e-12)
    assert rr_var[0] == pytest.approx(1 / 0.5 - 1 / 11 + 1 / 5.5 - 1 / 11, rel=1e-12)


def test_mean_difference_matches_normand_table_viii():
    # Normand (1999) Table VIII, p. 351 (metafor test_analysis_example_normand1999.r):
    # MD with the pooled SD in both arms; variance and 95% CI.
    n1, m1, s1, n2, m2, s2 = (np.array([r[i] for r in NORMAND], float) for i in range(1, 7))
    sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    yi, vi = mean_difference(m1, sp, n1, m2, sp, n2)
    assert yi.tolist() == [-20, -2, -55, -71, -4, 1, 11, -10, 7]
    expected_vi = [40.5863, 2.0468, 15.2809, 150.2222, 20.1923, 1.2235, 95.3756, 8.0321, 20.6936]
    assert vi == pytest.approx(expected_vi, rel=REL)
    low = yi - 1.959964 * np.sqrt(vi)
    assert low == pytest.approx(
        [-32.4864, -4.8041, -62.6616, -95.0223, -12.8073, -1.168, -8.1411, -15.5547, -1.9159],
        rel=REL,
    )


def test_hedges_g_matches_escalc_smd():
    # metafor tests/testthat/test_misc_escalc.r: escalc("SMD", dat.normand1999[1:4]).
    n1, m1, s1, n2, m2, s2 = (np.array([r[i] for r in NORMAND[:4]], float) for i in range(1, 7))
    yi, vi = effectsize_smd(m1, s1, n1, m2, s2, n2)
    assert yi == pytest.approx([-0.3552, -0.3479, -2.3176, -1.8880], rel=REL)
    # statsmodels' variance, N/(n1 n2) + g²/(2(N - 3.94)), is not escalc's large-sample
    # N/(n1 n2) + g²/(2N): equal for small g, up to ~4% apart for |g| ~ 2 in small trials.
    assert vi == pytest.approx([0.0131, 0.0645, 0.0458, 0.1606], rel=0.05)
    assert vi[0] == pytest.approx(0.0131, rel=5e-3)
