"""Gold vs extracted on hand-made numbers whose effect sizes are known."""

from __future__ import annotations

import math

import pytest
from synth_testdata import ROLES, binary_study

from eval.synthesis.compare import compare


def _log_or(a: int, n1: int, c: int, n2: int) -> float:
    return math.log(a * (n2 - c) / ((n1 - a) * c))


def test_differences_flips_and_significance_changes():
    gold = [
        binary_study("A", "1", 10, 100, 30, 100),  # log OR -1.35, CI (-2.13, -0.57)
        binary_study("B", "2", 30, 100, 20, 100),  # log OR +0.54, CI (-0.11, 1.19)
        binary_study("C", "3", 15, 100, 15, 100),
        binary_study("D", "4", 12, 100, 20, 100),
    ]
    extracted = [
        binary_study("A", "1", 10, 100, 20, 100, triage="check"),  # CI now crosses 0
        binary_study("B", "2", 20, 100, 30, 100, triage="check"),  # arms swapped: flips
        binary_study("C", "3", None, 100, 15, 100, triage="check"),  # not computable
        binary_study("D", "4", 12, 100, 20, 100, triage="verified"),  # identical
        binary_study("Z", "9", 1, 10, 2, 10, triage="check"),  # not in gold
    ]
    result = compare(gold, extracted, ROLES, tolerance=0.1, pool=False)
    odds = result.summaries["OR"]
    assert (odds.gold_computable, odds.extracted_computable, odds.both) == (4, 3, 3)
    assert odds.identical == 1
    assert odds.direction_flips == 1
    assert odds.significance_changes == 1
    assert odds.over_tolerance == 2
    assert result.extracted_only == 1
    rows = {r.label: r for r in result.targets["OR"]}
    assert rows["A #1"].gold.significant and not rows["A #1"].extracted.significant
    a_diff = _log_or(10, 100, 20, 100) - _log_or(10, 100, 30, 100)
    b_diff = _log_or(20, 100, 30, 100) - _log_or(30, 100, 20, 100)
    assert rows["A #1"].diff == pytest.approx(a_diff, rel=1e-12)
    assert rows["B #2"].diff == pytest.approx(b_diff, rel=1e-12)
    assert odds.mean_absolute_difference == pytest.approx((abs(a_diff) + abs(b_diff)) / 3)
    assert rows["C #3"].extracted is None and rows["C #3"].diff is None


def test_pooled_estimates_side_by_side():
    numbers = [("A", "1", 10, 20), ("B", "2", 12, 20), ("C", "3", 8, 16)]
    gold = [binary_study(p, t, a, 100, c, 100) for p, t, a, c in numbers]
    swapped = [("A", "1", 10, 20), ("B", "2", 20, 12), ("C", "3", 8, 16)]
    extracted = [binary_study(p, t, a, 100, c, 100, triage="check") for p, t, a, c in swapped]
    result = compare(gold, extracted, ROLES)
    (row,) = result.pooled
    assert row.gold_k == row.extracted_k == 3
    assert row.diff is not None and row.diff > 0  # the swapped arms pull the estimate up
    assert row.gold_significant is True and row.extracted_significant is False
