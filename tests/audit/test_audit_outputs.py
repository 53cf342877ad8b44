"""End to end on small generated data: counts, statistics, coverage, and the three outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from audit_testdata import HOSTILE_QUOTE, gold_record, write_fm_files
from typer.testing import CliRunner

from eval.audit import run_audit
from eval.report import write_outputs
from eval.settings import AuditSettings, load_settings
from extractor.cli import _register, app
from extractor.spreadsheet import guard_formula, unguard_formula
from schemas.fm_imaging import FORM as FM


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_fm_files(tmp_path)


def _field(result, name):
    return next(f for f in result.fields if f.field == name)


def test_counts_and_metrics(files) -> None:
    result = run_audit(*files, FM, AuditSettings())
    assert result.coverage.audited_records == 12
    assert result.coverage.gold_only == ["GOLD-ONLY"]
    assert result.coverage.predictions_only == ["PRED-ONLY"]

    year = _field(result, "year")
    assert year.counts == {
        "correct": 11,
        "incorrect": 1,
        "missed": 0,
        "fabricated": 0,
        "both_empty": 0,
    }
    assert year.accuracy.value == pytest.approx(11 / 12)
    assert year.krippendorff_alpha_interval is not None

    code = _field(result, "code_available")
    assert code.counts["missed"] == 1
    assert code.cohen_kappa is not None and code.gwet_ac1 is not None

    modalities = _field(result, "modalities")
    # tp: 11 papers fully right (1 or 2 items each) + 1 on paper 3; fp 1; fn 1.
    n_items = sum(len(gold_record(i)["modalities"]) for i in range(12))
    assert modalities.precision.value == pytest.approx((n_items - 1) / n_items)
    assert modalities.recall.value == pytest.approx((n_items - 1) / n_items)

    results = _field(result, "results")
    assert results.counts["correct"] == 11 and results.counts["incorrect"] == 1
    assert results.f1.value == pytest.approx(1.0)  # every item paired
    value = _field(result, "results.value")
    assert value.counts["incorrect"] == 1 and value.n == 24

    # Untouched fields are all both_empty: accuracy 1, kappa undefined is allowed.
    assert _field(result, "federated_learning").counts["both_empty"] == 12

    # every CI contains its point estimate
    for f in result.fields:
        for est in (f.accuracy, f.cohen_kappa, f.gwet_ac1, f.f1):
            if est is not None and est.value is not None and est.ci_low is not None:
                assert est.ci_low - 1e-9 <= est.value <= est.ci_high + 1e-9


def test_bootstrap_reproducible_and_seed_sensitive(files) -> None:
    a = run_audit(*files, FM, AuditSettings())
    b = run_audit(*files, FM, AuditSettings())
    c = run_audit(*files, FM, AuditSettings.model_validate({"bootstrap": {"seed": 99}}))
    assert a.overall.accuracy == b.overall.accuracy
    assert a.overall.accuracy.value == c.overall.accuracy.value
    assert a.overall.accuracy.ci_low != c.overall.accuracy.ci_low


def test_settings_override_tolerance(files, tmp_path: Path) -> None:
    settings_path = tmp_path / "s.yaml"
    settings_path.write_text("fields:\n  results.value: {tolerance_abs: 0.5}\n", encoding="utf-8")
    result = run_audit(*files, FM, load_settings(settings_path))
    assert _field(result, "results.value").counts["incorrect"] == 0
    settings_path.write_text("fields:\n  resultz: {tolerance_abs: 1}\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown field"):
        run_audit(*files, FM, load_settings(settings_path))


def test_outputs_written(files, tmp_path: Path) -> None:
    result = run_audit(*files, FM, AuditSettings())
    paths = write_outputs(result, tmp_path / "out")

    metrics = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    assert "accuracy" in metrics["definitions"]
    assert metrics["coverage"]["gold_only"] == ["GOLD-ONLY"]
    assert metrics["disagreements"] == len(result.disagreements)
    assert {f["field"] for f in metrics["fields"]} >= {"year", "results", "results.value"}

    raw = paths["disagreements"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert all(r["adjudication"] == "" for r in rows)
    year = next(r for r in rows if r["field"] == "year")
    assert (year["gold"], year["predicted"], year["class"]) == ("2020", "2030", "incorrect")
    assert year["evidence_page"] == "3"
    assert year["evidence_quote"] == HOSTILE_QUOTE  # starts with "<": left as is
    assert year["evidence_in_paper"] == "yes"
    assert all(r["evidence_in_paper"] == "" for r in rows if not r["evidence_quote"])
    name = next(r for r in rows if r["field"] == "model_name")
    assert name["predicted"].startswith("'=cmd")  # formula neutralised
    assert {r["class"] for r in rows} == {"incorrect", "missed"}

    html = paths["report"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http" not in html.split("<body>")[0]  # no external assets in the head
    assert 'id="disagreement-table"' in html and "<svg" in html


def test_formula_guard() -> None:
    # One guard for the audit and the export: formulas become text, numbers stay numbers.
    assert guard_formula("=SUM(A1)") == "'=SUM(A1)"
    assert guard_formula("@x") == "'@x" and guard_formula("-x") == "'-x"
    assert guard_formula("+1") == "+1" and guard_formula("-2") == "-2"
    assert guard_formula("-1+cmd|' /C calc'!A0") == "'-1+cmd|' /C calc'!A0"
    assert guard_formula("- 2") == "'- 2"
    assert guard_formula("plain") == "plain"
    for text in ("=SUM(A1)", "-x", "-2", "plain", "'quoted"):
        assert unguard_formula(str(guard_formula(text))) == text


def test_cli_audit_and_bad_gold(files, tmp_path: Path) -> None:
    _register()
    runner = CliRunner()
    gold, pred = files
    out = tmp_path / "cli"
    result = runner.invoke(
        app,
        [
            "audit",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--form",
            "fm_imaging",
            "--out",
            str(out),
            "--resamples",
            "200",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "metrics.json").is_file()

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"paper_id": "P00", "record": {"yeer": 1}}\n', encoding="utf-8")
    result = runner.invoke(
        app, ["audit", "--gold", str(bad), "--pred", str(pred), "--form", "fm_imaging"]
    )
    assert result.exit_code == 2
    assert "line 1: field 'yeer': unknown field" in result.output


def test_disagreements_number_items_in_typed_columns(files, tmp_path: Path) -> None:
    # P05: results item 1 is aligned to predicted item 1 and its value differs.
    result = run_audit(*files, FM, AuditSettings())
    row = next(d for d in result.disagreements if d.field == "results.value")
    assert (row.gold_item, row.pred_item) == (1, 1)
    assert row.item.startswith("gold #1 ~ predicted #1")  # the label stays, for people
    rows = list(
        csv.DictReader(
            write_outputs(result, tmp_path / "out")["disagreements"]
            .read_text(encoding="utf-8-sig")
            .splitlines()
        )
    )
    value = next(r for r in rows if r["field"] == "results.value")
    assert (value["gold_item"], value["pred_item"]) == ("1", "1")
    year = next(r for r in rows if r["field"] == "year")
    assert (year["gold_item"], year["pred_item"]) == ("", "")


def test_report_and_cli_print_the_configured_confidence_level(files, tmp_path: Path) -> None:
    settings = AuditSettings.model_validate({"bootstrap": {"level": 0.9}})
    result = run_audit(*files, FM, settings)
    assert result.ci_label == "90% CI"
    html = write_outputs(result, tmp_path / "out")["report"].read_text(encoding="utf-8")
    assert "90% CI" in html and "90% intervals" in html and "95%" not in html
    assert run_audit(*files, FM, AuditSettings()).ci_label == "95% CI"


def test_record_exact_match_follows_the_forms_headline_groups(tmp_path: Path) -> None:
    from schemas.custom import load_yaml_form

    form_path = tmp_path / "form.yaml"
    form_path.write_text(
        "name: pooled\nheadline_groups:\n  by: design\n"
        "  groups: {parallel: [n_randomised, n_analysed]}\nfields:\n"
        "  - {name: design, type: enum, choices: [parallel, crossover]}\n"
        "  - {name: n_randomised, type: integer}\n  - {name: n_analysed, type: integer}\n",
        encoding="utf-8",
    )
    form = load_yaml_form(form_path)
    gold = [
        {"paper_id": f"P{i}", "record": {"design": "parallel", "n_randomised": 100 + i}}
        for i in range(4)
    ]
    pred = [dict(g, record=dict(g["record"])) for g in gold]
    pred[0]["record"]["n_randomised"] = 1  # one record's headline number is wrong
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in pred), encoding="utf-8")
    result = run_audit(gold_path, pred_path, form, AuditSettings())
    assert result.record_exact_match is not None
    assert result.record_exact_match.grouped_by == "design"
    (group,) = result.record_exact_match.groups
    assert (group.outcome_type, group.records) == ("parallel", 4)
    assert group.all_fields_exact.value == pytest.approx(3 / 4)
    assert run_audit(*write_fm_files(tmp_path), FM, AuditSettings()).record_exact_match is None
