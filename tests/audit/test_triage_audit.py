"""The audit by triage: accuracy of verified, check and missing values, with intervals,
the sentence that says whether verified can be trusted more, and triage in the outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from audit_testdata import write_fm_files, write_triaged_files
from typer.testing import CliRunner

from eval.audit import NO_TRIAGE, AuditResult, run_audit
from eval.report import write_outputs
from eval.settings import AuditSettings
from extractor.cli import _register, app, audit_cmd
from extractor.review.disagreements import read_disagreements
from schemas.fm_imaging import FORM as FM

GOLD_FIELDS = 6  # fields `gold_record` fills; the form's other fields are triaged missing
PAPERS = 12


def _checked_wrong(i: int, field: str) -> tuple[str, bool]:
    """model_name on even papers and code_available everywhere: check, and wrong.
    Everything else: verified, and right."""
    if field == "code_available" or (field == "model_name" and i % 2 == 0):
        return "check", False
    return "verified", True


def _swapped(i: int, field: str) -> tuple[str, bool]:
    triage, right = _checked_wrong(i, field)
    return ("verified" if triage == "check" else "check"), right


def _split(result: AuditResult, name: str):
    return next(f for f in result.triage.fields if f.field == name)


def _audit(tmp_path: Path, plan) -> AuditResult:
    return run_audit(*write_triaged_files(tmp_path, plan), FM, AuditSettings())


def test_verified_right_and_check_wrong(tmp_path: Path) -> None:
    result = _audit(tmp_path, _checked_wrong)
    assert result.triage.available
    overall = result.triage.overall
    verified, check, missing = (overall.levels[k] for k in ("verified", "check", "missing"))
    assert verified.n == PAPERS * (GOLD_FIELDS - 2) + PAPERS // 2
    assert check.n == PAPERS + PAPERS // 2
    assert missing.n == PAPERS * (len(FM.fields) - GOLD_FIELDS)
    assert verified.n + check.n + missing.n == result.overall.n and overall.untriaged == 0
    assert (verified.accuracy.value, verified.accuracy.ci_low, verified.accuracy.ci_high) == (
        1.0,
        1.0,
        1.0,
    )
    assert (check.accuracy.value, check.accuracy.ci_low, check.accuracy.ci_high) == (0.0, 0.0, 0.0)
    assert check.counts["incorrect"] == check.n and verified.counts["correct"] == verified.n
    assert missing.accuracy.value == 1.0  # empty on both sides agrees
    assert overall.verified_clearly_better is True
    assert result.triage.verdict.startswith("Verified values are clearly more accurate")

    name = _split(result, "model_name")
    assert (name.levels["verified"].n, name.levels["check"].n) == (6, 6)
    assert name.verified_clearly_better is True
    assert name.verified_share == 0.5  # the reviewer's saving: half need no look
    n = verified.n + check.n + missing.n
    assert overall.verified_share == verified.n / n
    assert f"{verified.n} of {n} values ({100 * verified.n / n:.1f} %) came out verified" in (
        result.triage.verdict
    )
    # One of the two levels is empty: nothing to compare, not a failure of the checks.
    assert _split(result, "code_available").verified_clearly_better is None
    assert _split(result, "year").verified_clearly_better is None
    assert "not clearly" not in result.triage.verdict


def test_the_verdict_says_so_when_verified_is_not_more_accurate(tmp_path: Path) -> None:
    result = _audit(tmp_path, _swapped)
    assert result.triage.overall.levels["verified"].accuracy.value == 0.0
    assert result.triage.overall.verified_clearly_better is False
    verdict = result.triage.verdict
    assert "NOT clearly more accurate than check values (its accuracy is not higher:" in verdict
    assert "verified 0.000 (95% CI 0.000-0.000) against check 1.000" in verdict
    assert "Fields where verified is not clearly more accurate than check: model_name." in verdict


def test_overlapping_intervals_are_not_clearly_more_accurate(tmp_path: Path) -> None:
    # Every field: verified on papers 0-7 (0-5 right), check on 8-11 (8-9 right): 0.75 vs 0.5.
    result = _audit(tmp_path, lambda i, field: ("verified", i < 6) if i < 8 else ("check", i < 10))
    for split in (result.triage.overall, _split(result, "model_name")):
        verified, check = split.levels["verified"].accuracy, split.levels["check"].accuracy
        assert (verified.value, check.value) == (0.75, 0.5)
        assert verified.ci_low is not None and check.ci_high is not None
        assert verified.ci_low <= check.ci_high  # the intervals overlap...
        assert split.verified_clearly_better is False  # ...so verified is not clearly better
    verdict = result.triage.verdict
    assert "NOT clearly more accurate than check values (the intervals overlap:" in verdict
    assert verdict.endswith(
        "Fields where verified is not clearly more accurate than check: "
        "year, model_name, study_type, modalities, results, code_available."
    )


def test_no_verified_value_is_said_plainly(tmp_path: Path) -> None:
    result = _audit(tmp_path, lambda i, field: ("check", i % 2 == 0))
    assert result.triage.overall.levels["verified"].n == 0
    assert result.triage.overall.verified_clearly_better is None
    assert result.triage.verdict.startswith("No audited value is triaged verified (72 check")


def test_plain_records_get_no_triage_split(tmp_path: Path) -> None:
    # records.jsonl without a triage on its lines (written before the checks), and plain records
    result = run_audit(*write_fm_files(tmp_path), FM, AuditSettings())
    assert not result.triage.available and result.triage.overall is None
    assert result.triage.verdict == NO_TRIAGE
    gold = tmp_path / "gold.jsonl"
    plain = tmp_path / "plain.jsonl"
    plain.write_text(gold.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_audit(gold, plain, FM, AuditSettings())
    assert not result.triage.available and result.triage.fields == []
    assert all(d.triage == "" for d in result.disagreements)
    html = write_outputs(result, tmp_path / "out")["report"].read_text(encoding="utf-8")
    assert "The predictions carry no triage" in html


def test_triage_in_metrics_csv_and_report(tmp_path: Path) -> None:
    result = _audit(tmp_path, _swapped)
    paths = write_outputs(result, tmp_path / "out")

    metrics = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    overall = metrics["triage"]["overall"]
    assert overall["levels"]["check"]["accuracy"]["value"] == 1.0
    assert overall["levels"]["verified"]["n"] == PAPERS + PAPERS // 2
    assert overall["verified_clearly_better"] is False
    assert metrics["triage"]["verdict"] == result.triage.verdict
    assert "triage" in metrics["definitions"]

    rows = list(csv.DictReader(paths["disagreements"].read_text("utf-8-sig").splitlines()))
    assert rows and {(r["triage"], r["reasons"]) for r in rows} == {("verified", "")}
    # corrections read the sheet back, triage columns and all
    read = [row for _, row in read_disagreements(paths["disagreements"])]
    assert all(not isinstance(r, Exception) and r.triage == "verified" for r in read)

    html = paths["report"].read_text(encoding="utf-8")
    assert 'id="triage"' in html and 'id="triage-table"' in html
    assert "NOT clearly more accurate than check values" in html
    assert 'class="verdict warn"' in html
    table = html.split('id="disagreement-table"')[1]
    assert "<th>triage</th>" in table and ">verified</span>" in table


def test_triage_reasons_reach_the_disagreements(tmp_path: Path) -> None:
    result = _audit(tmp_path, _checked_wrong)
    row = next(d for d in result.disagreements if d.field == "code_available")
    assert (row.triage, row.reasons) == ("check", "value_not_in_quote")


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (_checked_wrong, "Verified values are clearly more accurate"),
        (_swapped, "Verified values are NOT clearly more accurate"),
    ],
)
def test_cli_prints_accuracy_by_triage_and_the_verdict(
    tmp_path: Path, plan, expected, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register()
    monkeypatch.setattr(audit_cmd._console, "_width", 200)  # a wide terminal: headers unwrapped
    gold, pred = write_triaged_files(tmp_path, plan)
    args = ["audit", "--gold", str(gold), "--pred", str(pred), "--form", "fm_imaging"]
    result = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "out"), "--resamples", "200"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "accuracy by triage" in output and "verified clearly better" in output
    assert expected in output  # rich wraps long lines


def test_cli_says_when_there_is_no_triage(tmp_path: Path) -> None:
    _register()
    gold, pred = write_fm_files(tmp_path)
    args = ["audit", "--gold", str(gold), "--pred", str(pred), "--form", "fm_imaging"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out"), "--resamples", "50"])
    assert result.exit_code == 0, result.output
    assert "accuracy by triage" not in result.output
    assert "The predictions carry no triage" in " ".join(result.output.split())


def test_a_triage_class_with_no_values_shows_a_dash_in_the_report(tmp_path: Path) -> None:
    # Every value to check, none verified: the card reads "– / 0.333", not " / 0.333".
    def all_check(i: int, field: str) -> tuple[str, bool]:
        return "check", field != "model_name"

    result = _audit(tmp_path, all_check)
    html = write_outputs(result, tmp_path / "out")["report"].read_text(encoding="utf-8")
    card = html.split("Accuracy verified / check</div>")[1].split("</div>")[0]
    assert card.startswith('<div class="v">– / 0.'), card
