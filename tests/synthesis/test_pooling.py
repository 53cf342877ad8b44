"""Pooled results on dat.bcg against published reference values.

Sources (all on escalc log risk ratios / log odds ratios of dat.bcg):
- metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r: fixed effect and
  DerSimonian-Laird estimates, CIs, Q, tau², I², checked there against Stata's `metan`.
- metafor tests/testthat/test_misc_rma_uni.r: tau² = 0.3181 for method "DLIT"/"SJIT"
  (iterated DL), which converges to the Paule-Mandel estimate (DerSimonian & Kacker 2007).
Tolerance: relative 1e-3 on 4-decimal values (metafor's own tests allow 1e-2).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from synth_reference_data import BCG, HINE

from eval.synthesis.effects import binary_effect
from eval.synthesis.pooling import pool

REL = 1e-3


def _bcg(measure: str):
    ai = np.array([r[2] for r in BCG], dtype=float)
    ci = np.array([r[4] for r in BCG], dtype=float)
    n1 = ai + np.array([r[3] for r in BCG])
    n2 = ci + np.array([r[5] for r in BCG])
    yi, vi, _ = binary_effect(measure, ai, n1, ci, n2)
    return yi, vi


def test_bcg_log_risk_ratio_fixed_and_dersimonian_laird():
    p = pool(*_bcg("RR"))
    assert p.k == 13
    assert p.fixed.mu == pytest.approx(-0.4303, rel=REL)
    assert p.fixed.ci == pytest.approx((-0.5097, -0.3509), rel=REL)
    assert p.q == pytest.approx(152.2330, rel=REL)
    dl = p.random["DL"]
    assert dl.mu == pytest.approx(-0.7141, rel=REL)
    assert dl.ci == pytest.approx((-1.0644, -0.3638), rel=REL)
    assert dl.mu / dl.se == pytest.approx(-3.9952, rel=REL)
    assert p.tau2["DL"] == pytest.approx(0.3088, rel=REL)
    assert p.i2 * 100 == pytest.approx(92.1173, rel=REL)
    # metan's exponentiated summary: RR 0.4896 (0.3449, 0.6950)
    assert np.exp(dl.mu) == pytest.approx(0.4896, rel=REL)


def test_bcg_log_risk_ratio_paule_mandel():
    p = pool(*_bcg("RR"))
    assert p.tau2["PM"] == pytest.approx(0.3181, rel=REL)
    # The Paule-Mandel tau² is the one at which the generalised Q equals k - 1: an
    # independent check of the estimator itself, whatever the implementation.
    yi, vi = _bcg("RR")
    w = 1 / (vi + p.tau2["PM"])
    mu = (w * yi).sum() / w.sum()
    assert (w * (yi - mu) ** 2).sum() == pytest.approx(12, rel=1e-4)
    assert p.random["PM"].mu == pytest.approx(mu, rel=1e-9)


def test_bcg_log_odds_ratio_and_risk_difference():
    p = pool(*_bcg("OR"))
    assert p.fixed.mu == pytest.approx(-0.4361, rel=REL)
    assert p.q == pytest.approx(163.1649, rel=REL)
    assert p.random["DL"].mu == pytest.approx(-0.7474, rel=REL)
    assert p.random["DL"].ci == pytest.approx((-1.1242, -0.3706), rel=REL)
    assert p.tau2["DL"] == pytest.approx(0.3663, rel=REL)
    assert p.i2 * 100 == pytest.approx(92.6455, rel=REL)
    rd = pool(*_bcg("RD"))
    assert rd.fixed.mu == pytest.approx(-0.0009, rel=0.06)  # printed with 1 significant digit
    assert rd.q == pytest.approx(276.4737, rel=REL)
    assert rd.random["DL"].mu == pytest.approx(-0.0071, rel=0.01)
    assert rd.i2 * 100 == pytest.approx(95.6596, rel=REL)


def test_homogeneous_studies_truncate_tau2_at_zero_and_random_equals_fixed():
    # Normand (1999) Table VII, p. 349 (metafor test_analysis_example_normand1999.r):
    # Hine et al. risk differences in percentage points; DL: tau² 0, estimate 2.9444
    # (0.3831, 5.5058), the same as the fixed-effect model.
    n1 = np.array([r[1] for r in HINE], dtype=float)
    n2 = np.array([r[2] for r in HINE], dtype=float)
    ai = np.array([r[3] for r in HINE], dtype=float)
    ci = np.array([r[4] for r in HINE], dtype=float)
    yi, vi, _ = binary_effect("RD", ai, n1, ci, n2)
    p = pool(yi * 100, vi * 100**2)
    for method in ("DL", "PM"):
        assert p.tau2[method] == 0.0
        assert p.random[method].mu == pytest.approx(2.9444, rel=REL)
        assert p.random[method].ci == pytest.approx((0.3831, 5.5058), rel=REL)
        assert all(w > 0 for w in p.weights[method])
    assert p.fixed.mu == pytest.approx(2.9444, rel=REL)


def test_prediction_interval_uses_t_with_k_minus_2_df():
    # Higgins, Thompson & Spiegelhalter (2009): mu ± t(k-2) sqrt(tau² + se²), from the
    # published DL components above (mu -0.7141, CI half-width 0.3503, tau² 0.3088).
    p = pool(*_bcg("RR"))
    se = (1.0644 - 0.3638) / 2 / 1.959964
    half = stats.t.isf(0.025, 11) * np.sqrt(0.3088 + se**2)
    assert p.prediction_interval("DL") == pytest.approx((-0.7141 - half, -0.7141 + half), rel=2e-3)


def test_two_studies_pool_but_have_no_prediction_interval():
    p = pool([0.1, 0.3], [0.04, 0.05])
    assert p.k == 2 and p.df == 1
    assert p.prediction_interval("DL") is None


def test_one_study_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        pool([0.1], [0.04])
