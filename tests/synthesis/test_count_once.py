"""Each trial counted once (multi-arm arms, repeat reports), zero events, Peto's OR, and
numbers derived from the printed form, through `compute_effects` and the real CLI."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from synth_testdata import ROLES, binary_study, continuous_study, record_line
from typer.testing import CliRunner

from eval.synthesis.effects import compute_effects
from eval.synthesis.grouping import Analysis
from eval.synthesis.meta import run_meta_analyses
from eval.synthesis.pooling import pool
from eval.synthesis.printed import derive_studies
from extractor.cli import _register, app
from schemas.effect_sizes import peto_effect
from schemas.registrations import registrations

_register()
runner = CliRunner()
ALL = [Analysis("drug vs placebo: death", targets={"P1#1", "P1#2", "P2#1", "P3#1"})]


def _three_arm() -> list:
    a = binary_study("P1", "1", 10, 50, 20, 50)  # dose A vs placebo
    b = binary_study("P1", "2", 12, 50, 20, 50)  # dose B vs the same placebo group
    a.target["intervention"], b.target["intervention"] = "drug 5 mg", "drug 10 mg"
    return [a, b, binary_study("P2", "1", 8, 40, 15, 40), binary_study("P3", "1", 9, 60, 14, 61)]


def test_multi_arm_trial_combined_or_split_never_counted_twice():
    studies = _three_arm()
    table = compute_effects(studies, ROLES)
    naive = run_meta_analyses(studies, table, ALL)  # no roles: as before, placebo twice
    assert naive.results[0].k == 4
    combined = run_meta_analyses(studies, table, ALL, roles=ROLES)
    r = combined.results[0]
    assert r.k == 3
    merged = next(e for e in r.effects["OR"] if e.study.paper_id == "P1")
    assert merged.inputs == {"ai": 22, "n1i": 100, "ci": 20, "n2i": 50}
    assert "Cochrane Handbook 23.3.4" in merged.study.grouping
    # The same pool by hand: the two doses as one arm against placebo once.
    by_hand = compute_effects(
        [binary_study("P1", "x", 22, 100, 20, 50), *studies[2:]], ROLES
    ).effects["OR"]
    expected = pool([e.yi for e in by_hand], [e.vi for e in by_hand])
    assert r.pooled["OR"].random["DL"].mu == pytest.approx(expected.random["DL"].mu)
    split = run_meta_analyses(studies, table, ALL, roles=ROLES, multi_arm="split").results[0]
    assert split.k == 4
    halves = [e.inputs for e in split.effects["OR"] if e.study.paper_id == "P1"]
    assert [(h["ci"], h["n2i"]) for h in halves] == [(10, 25), (10, 25)]
    assert split.pooled["OR"].fixed.se > r.pooled["OR"].fixed.se * 0.9  # no false precision


def test_zero_events_rule_per_measure_and_peto():
    studies = [
        binary_study("Z", "1", 0, 30, 0, 30),  # none in either arm
        binary_study("A", "1", 0, 50, 4, 50),  # one zero cell: 0.5 added
        binary_study("B", "1", 3, 50, 8, 50),
    ]
    table = compute_effects(studies, ROLES)
    assert [e.study.paper_id for e in table.effects["OR"]] == ["A", "B"]
    assert [e.study.paper_id for e in table.effects["RD"]] == ["Z", "A", "B"]
    assert [e.study.paper_id for e in table.effects["PETO"]] == ["A", "B"]
    (z,) = [x for x in table.excluded if x.label == "Z #1"]
    assert z.code == "zero_events_both_arms" and "kept for RD" in z.message
    # Peto by hand for B: O = 3, E = 50·11/100 = 5.5, V = 50·50·11·89/(100²·99) = 2.47222.
    yi, vi = peto_effect([3], [50], [8], [50])
    v = 50 * 50 * 11 * 89 / (100**2 * 99)
    assert (yi[0], vi[0]) == (pytest.approx(-2.5 / v), pytest.approx(1 / v))
    assert round(math.exp(yi[0]), 3) == 0.364  # the classic OR is 0.335
    assert not next(e for e in table.effects["PETO"] if e.study.paper_id == "A").zero_corrected


def test_derived_numbers_are_marked_and_left_out_by_the_sensitivity_analysis():
    printed = continuous_study("P1", "1", 5.0, 2.0, 40, 6.0, 2.1, 40)
    se_only = continuous_study("P2", "1", 4.0, None, 30, 6.5, None, 30)
    se_only.values["intervention_standard_error"] = 0.4
    se_only.values["comparator_standard_error"] = 0.38
    median = continuous_study("P3", "1", None, None, 50, 6.2, 2.2, 50)
    median.values |= {"intervention_median": 4.5, "intervention_spread_type": "IQR",
                      "intervention_spread_low": 3.0, "intervention_spread_high": 6.5}  # fmt: skip
    median.quotes["intervention_median"] = "median 4.5 (IQR 3.0–6.5)"
    studies = derive_studies([printed, se_only, median], ROLES)
    assert studies[0] is printed  # nothing to derive: untouched
    assert studies[1].values["intervention_standard_deviation"] == pytest.approx(
        0.4 * math.sqrt(30)
    )
    d = studies[2].derivations["m1i"]
    assert "Luo et al. 2018" in d.method and d.quotes["intervention_median"].startswith("median")
    table = compute_effects(studies, ROLES)
    meta = run_meta_analyses(studies, table, None, roles=ROLES)
    (r,) = meta.results
    assert [bool(e.derived) for e in r.effects["SMD"]] == [False, True, True]
    assert r.sensitivity.printed_k == 1 and r.sensitivity.printed is None  # 1 left: no pool


def test_registration_numbers_read_most_mentioned_first():
    text = "Registered as NCT01234567. We cite NCT07654321 once. NCT 01234567 again; ISRCTN12345678"
    assert registrations(text) == ["NCT01234567", "NCT07654321", "ISRCTN12345678"]


def _line(paper, target, a, n1, c, n2, intervention="drug", extra=None):
    values = {"outcome_type": "binary", "intervention_events": a, "intervention_group_size": n1,
              "comparator_events": c, "comparator_group_size": n2, **(extra or {})}  # fmt: skip
    labels = {"intervention": intervention, "comparator": "placebo", "outcome": "death"}
    return record_line(paper, "rct_outcomes", values, target_id=target, target=labels)


def test_cli_counts_reports_of_one_trial_once_and_says_why(tmp_path: Path):
    percent = {"intervention_events_percent": 10.0}  # 10% of 30: 3 events
    lines = [_line("Early2019", "1", 5, 40, 11, 41), _line("Final2021", "1", 9, 80, 20, 79),
             _line("Other2020", "1", 7, 60, 12, 60),
             _line("Pct2018", "1", None, 30, 7, 30, extra=percent)]  # fmt: skip
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    ids = tmp_path / "ids.csv"
    ids.write_text("paper_id,study_id\nEarly2019,NCT01234567\nFinal2021,NCT01234567\n")
    out = tmp_path / "s"
    result = runner.invoke(app, ["synthesize", str(records), "--form", "rct_outcomes",
                                 "--studies", str(ids), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    excluded = list(csv.DictReader((out / "excluded.csv").open(encoding="utf-8-sig")))
    early = next(r for r in excluded if r["what"] == "Early2019 #1")
    assert early["code"] == "same_trial" and "counted once, as Final2021 #1" in early["reason"]
    analyses = list(csv.DictReader((out / "analyses.csv").open(encoding="utf-8-sig")))
    assert next(r for r in analyses if r["measure"] == "OR")["k"] == "3"
    metafor = list(csv.DictReader((out / "metafor.csv").open(encoding="utf-8-sig")))
    pct = next(r for r in metafor if r["paper_id"] == "Pct2018" and r["analysis"])
    assert pct["ai"] == "3" and "events from a percentage of N" in pct["derived"]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "trial NCT01234567: 2 reports" in summary and "## Derived numbers" in summary
    sens = list(csv.DictReader((out / "sensitivity.csv").open(encoding="utf-8-sig")))
    printed = next(r for r in sens if r["kind"].startswith("printed only"))
    assert printed["k"] == "2"
    # --no-derive: the percentage is not used, the target has no effect size.
    out2 = tmp_path / "s2"
    result = runner.invoke(app, ["synthesize", str(records), "--form", "rct_outcomes",
                                 "--no-derive", "--out", str(out2), "--no-plots"])  # fmt: skip
    assert result.exit_code == 0, result.output
    excluded = (out2 / "excluded.csv").read_text(encoding="utf-8-sig")
    assert "Pct2018 #1" in excluded and "missing intervention_events" in excluded


def test_multi_arm_option_is_checked(tmp_path: Path):
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps(_line("A", "1", 1, 9, 2, 9)) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["synthesize", str(records), "--form", "rct_outcomes",
                                 "--multi-arm", "twice", "--out", str(tmp_path / "o")])  # fmt: skip
    assert result.exit_code == 2 and "--multi-arm twice: use combine or split" in result.output


def test_combined_means_of_two_arms_match_pooled_raw_data():
    rng = np.random.default_rng(3)
    x1, x2, c = rng.normal(10, 3, 25), rng.normal(12, 4, 30), rng.normal(9, 3, 28)
    arm = lambda p, t, x: continuous_study(p, t, x.mean(), x.std(ddof=1), len(x), c.mean(),  # noqa: E731
                                           c.std(ddof=1), len(c))  # fmt: skip
    a, b = arm("P1", "1", x1), arm("P1", "2", x2)
    a.target["intervention"], b.target["intervention"] = "low", "high"
    studies = [a, b, continuous_study("P2", "1", 11, 3, 40, 9.5, 3, 40)]
    table = compute_effects(studies, ROLES)
    pain = [Analysis("pain", targets={"P1#1", "P1#2", "P2#1"})]
    (r,) = run_meta_analyses(studies, table, pain, roles=ROLES).results
    merged = next(e for e in r.effects["MD"] if e.study.paper_id == "P1")
    both = np.concatenate([x1, x2])
    assert merged.inputs["m1i"] == pytest.approx(both.mean())
    assert merged.inputs["sd1i"] == pytest.approx(both.std(ddof=1))
    assert merged.inputs["n1i"] == 55 and r.k == 2


def test_one_comparison_measured_twice_counts_once_and_is_not_combined():
    # Same arms, two time points: combining would add the same participants twice.
    six = binary_study("P1", "1", 10, 50, 20, 50, outcome="death at 6 months")
    twelve = binary_study("P1", "2", 14, 50, 25, 50, outcome="death at 12 months")
    studies = [six, twelve, binary_study("P2", "1", 8, 40, 15, 40)]
    table = compute_effects(studies, ROLES)
    deaths = [Analysis("death", targets={"P1#1", "P1#2", "P2#1"})]
    (r,) = run_meta_analyses(studies, table, deaths, roles=ROLES).results
    assert r.k == 2 and not r.grouping
    assert [(x.label, x.code) for x in r.excluded] == [("P1 #2", "same_comparison")]
    assert next(e for e in r.effects["OR"] if e.study.paper_id == "P1").inputs["n1i"] == 50


def test_yaml_form_declares_the_same_roles_printed_form_included(tmp_path: Path):
    form = tmp_path / "arms.yaml"
    form.write_text(
        "name: arms\ntargeted: true\n"
        "effect_roles: {m1i: mean_a, sd1i: sd_a, se1i: se_a, n1i: n_a, m2i: mean_b, "
        "sd2i: sd_b, n2i: n_b}\n"
        "fields:\n"
        + "".join(
            f"  - {{name: {n}, type: number}}\n"
            for n in ("mean_a", "sd_a", "se_a", "mean_b", "sd_b")
        )
        + "  - {name: n_a, type: integer}\n  - {name: n_b, type: integer}\n",
        encoding="utf-8",
    )
    rows = [("A", 5.0, None, 0.4, 30, 6.0, 2.0, 30), ("B", 4.0, 2.1, None, 40, 5.5, 2.2, 41)]
    lines = [{"paper_id": p, "target_id": "1",
              "target": {"intervention": "x", "comparator": "y", "outcome": "z"},
              "record": {"mean_a": m1, "sd_a": sd1, "se_a": se1, "n_a": n1, "mean_b": m2,
                         "sd_b": sd2, "n_b": n2}}
             for p, m1, sd1, se1, n1, m2, sd2, n2 in rows]  # fmt: skip
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "s"
    result = runner.invoke(app, ["synthesize", str(records), "--form", str(form),
                                 "--out", str(out), "--no-plots"])  # fmt: skip
    assert result.exit_code == 0, result.output
    effects = list(csv.DictReader((out / "effects.csv").open(encoding="utf-8-sig")))
    a = next(r for r in effects if r["paper_id"] == "A" and r["measure"] == "MD")
    assert a["derived"].startswith("SD from SE") and "√30" in a["derived"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(form.read_text().replace("se1i: se_a", "se1i: nope"), encoding="utf-8")
    result = runner.invoke(app, ["synthesize", str(records), "--form", str(bad),
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2 and "effect_roles: unknown field(s) nope" in result.output
