"""Gold vs GPT-4 effect sizes on Yun et al.'s released TEST outputs (needs the corpus).

Reference: the metrics their scorer wrote beside the outputs
(gpt4_outputs/gpt4_binary_outcomes_test_output_metrics.json, from
hyesunyun/llm-meta-analysis at ca9404c): 87.94% of the gold-computable log ORs are
computable from GPT-4's numbers; mean absolute error of the log OR 0.10137 (SE 0.04294).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import effectsize_2proportions

from eval.synthesis.compare import compare
from eval.synthesis.studies import read_studies
from eval.yun2024 import gold_records, gpt4_records, write_jsonl
from schemas.registry import load_form
from schemas.roles import effect_roles

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def binary(corpus_dir, tmp_path_factory):
    source = corpus_dir / "gold" / "rct_yun2024" / "gpt4_outputs"
    rows = json.loads((source / "gpt4_binary_outcomes_test_output.json").read_text())
    metrics = json.loads((source / "gpt4_binary_outcomes_test_output_metrics.json").read_text())
    folder = tmp_path_factory.mktemp("yun")
    write_jsonl(gold_records(rows), folder / "gold.jsonl")
    write_jsonl(gpt4_records(rows), folder / "gpt4.jsonl")
    form = load_form("rct_outcomes")
    gold = read_studies(folder / "gold.jsonl", form, role="gold").studies
    gpt4 = read_studies(folder / "gpt4.jsonl", form).studies
    return gold, gpt4, effect_roles(form), metrics


def test_share_of_computable_log_odds_ratios_matches_their_scorer(binary):
    gold, gpt4, roles, metrics = binary
    # Their scorer keeps double-zero tables (log OR 0 after the correction): drop00=False.
    result = compare(gold, gpt4, roles, drop00=False, pool=False)
    odds = result.summaries["OR"]
    assert (odds.gold_computable, odds.both) == (141, 124)
    assert odds.share_computable == pytest.approx(metrics["percentage_of_computable_instances"])


def test_their_mean_absolute_error_is_reproduced_with_their_zero_correction(binary):
    gold, gpt4, roles, metrics = binary
    result = compare(gold, gpt4, roles, drop00=False, pool=False)
    pairs = [r for r in result.targets["OR"] if r.both]

    def their_log_or(inputs):
        # statsmodels' zero_correction=0.5 as their scorer calls it: 0.5 lands on the
        # events of every table, zero cell or not.
        y, _ = effectsize_2proportions(
            np.array([inputs["ai"]]),
            np.array([inputs["n1i"]]),
            np.array([inputs["ci"]]),
            np.array([inputs["n2i"]]),
            statistic="odds-ratio",
            zero_correction=0.5,
        )
        return float(y[0])

    diffs = np.array(
        [their_log_or(r.gold.inputs) - their_log_or(r.extracted.inputs) for r in pairs]
    )
    published = metrics["point_estimates"]["log_odds_ratio"]
    assert np.abs(diffs).mean() == pytest.approx(published["mean_absolute_error"], rel=1e-9)
    assert diffs.std() / np.sqrt(len(diffs)) == pytest.approx(
        published["standard_error_of_mae"], rel=1e-9
    )
    # With the correction only where a cell is 0 (metafor, RevMan), the error is smaller.
    ours = result.summaries["OR"].mean_absolute_difference
    assert ours == pytest.approx(0.10069, abs=5e-5)


def test_direction_and_significance_flips_are_counted(binary):
    gold, gpt4, roles, _ = binary
    odds = compare(gold, gpt4, roles, pool=False).summaries["OR"]
    # Default synthesis: double-zero targets are left out of both sides.
    assert (odds.gold_computable, odds.both, odds.identical) == (124, 107, 84)
    assert odds.direction_flips == 5
    assert odds.significance_changes == 1
    assert odds.over_tolerance == 12


def test_command_line_reports_gold_vs_gpt4(corpus_dir, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import _register, app

    _register()
    source = corpus_dir / "gold" / "rct_yun2024" / "gpt4_outputs"
    rows = []
    for name in ("binary", "continuous"):
        rows += json.loads((source / f"gpt4_{name}_outcomes_test_output.json").read_text())
    write_jsonl(gold_records(rows), tmp_path / "gold.jsonl")
    write_jsonl(gpt4_records(rows), tmp_path / "gpt4.jsonl")
    result = CliRunner().invoke(
        app,
        ["synthesize", str(tmp_path / "gpt4.jsonl"), "--form", "rct_outcomes", "--gold",
         str(tmp_path / "gold.jsonl"), "--out", str(tmp_path / "out"), "--no-plots"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "gold vs extracted OR: 107/124 computable, 12 differ by > 0.1, 5 direction" in (
        result.output
    )
    # One gold SMD fewer than their scorer: PMC5459456 #223 reports an SD of 0 (left out).
    assert "gold vs extracted SMD: 171/241 computable, 41 differ by > 0.1" in result.output
    summary = (tmp_path / "out" / "comparison" / "comparison_summary.csv").read_text("utf-8-sig")
    assert summary.splitlines()[1].startswith("OR,124,119,107,")
