"""`litextract verify` end to end through the CLI: no model, then a model for doubts only."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from doubles.openai_server import Reply
from extract_helpers import make_pdf
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()
runner = CliRunner()

PAGES = [
    "A randomised trial of aspirin <script>alert(1)</script>\n\n"
    "Results\n"
    "Death occurred in 12 of 60 patients on aspirin and 20 of 61 on placebo. "
    "Stroke occurred in 3 of 60 patients on aspirin and 9 of 61 on placebo.",
]
TARGET = {"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}
GOLD = {
    "outcome_type": "binary",
    "intervention_events": 12,
    "intervention_group_size": 60,
    "comparator_events": 20,
    "comparator_group_size": 61,
}


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _papers(tmp_path: Path) -> Path:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    make_pdf(folder / "PMC1.pdf", PAGES)
    return folder


def _jsonl(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _run(*args: str):
    return runner.invoke(app, ["verify", *args, "--no-progress"])


def _records(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]


def test_verify_without_a_model_checks_roles_and_goes_on_past_bad_input(tmp_path: Path) -> None:
    papers = _papers(tmp_path)
    swapped = {
        **GOLD,
        "intervention_events": 20,
        "comparator_events": 12,
        "intervention_group_size": 61,
        "comparator_group_size": 60,
    }
    records = _jsonl(
        tmp_path / "sheet.jsonl",
        [
            {"paper_id": "PMC1", "target_id": "1", **TARGET, "record": GOLD},
            {"paper_id": "PMC1", "target_id": "2", **TARGET, "record": swapped},
            {"paper_id": "PMC404", "target_id": "3", **TARGET, "record": GOLD},
            {"paper_id": "PMC1", "target_id": "4", **TARGET, "record": {"no_such": 1}},
        ],
    )
    out = tmp_path / "out"
    result = _run(
        str(records), "--papers", str(papers), "--form", "rct_outcomes", "--out", str(out)
    )
    assert result.exit_code == 1, result.output  # some input failed, the rest went on
    assert "PMC404.pdf: no such PDF" in result.output
    assert "has no field 'no_such'" in result.output
    lines = {r["target_id"]: r["record"] for r in _records(out)}
    assert sorted(lines) == ["1", "2", "4"]
    assert {lines["1"][f]["triage"] for f in GOLD if f != "outcome_type"} == {"verified"}
    assert lines["1"]["intervention_events"]["evidence"][0]["page"] == 1
    assert lines["2"]["intervention_events"]["triage"] == "check"
    assert "arm_mismatch" in lines["2"]["intervention_events"]["reasons"]
    assert "verified" in result.output and "intervention_events" in result.output
    report = (out / "report.html").read_text()
    assert "<script>alert" not in report and "arm_mismatch" in report
    # A binary record's mean does not apply: shown as n/a, not as a `verified` empty value.
    first = report.split("<h3>PMC1 #1</h3>")[1].split("<h3>")[0]
    assert "<td>intervention_mean</td>" not in first
    assert "class='na'>n/a, does not apply: intervention_mean," in first


def test_verify_reads_the_csv_export_writes(tmp_path: Path) -> None:
    papers = _papers(tmp_path)
    sheet = tmp_path / "export.csv"
    with sheet.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        names = ["paper_id", "target_id", "intervention", "comparator", "outcome"]
        names += [*GOLD, "intervention_events__triage", "model"]
        writer.writerow(names)
        writer.writerow(["PMC1", "1", *TARGET.values(), *GOLD.values(), "check", "gpt"])
    out = tmp_path / "out"
    result = _run(str(sheet), "--papers", str(papers), "--form", "rct_outcomes", "--out", str(out))
    assert result.exit_code == 0, result.output
    (line,) = _records(out)
    assert line["record"]["intervention_events"]["value"] == 12
    assert line["record"]["comparator_events"]["triage"] == "verified"


def test_a_model_judges_undecided_values_only_and_never_verifies(tmp_path: Path, server) -> None:
    papers = _papers(tmp_path)
    # 3 and 9 are the stroke row's numbers: printed, but not for death.
    wrong = {**GOLD, "intervention_events": 3, "comparator_events": 9}
    records = _jsonl(
        tmp_path / "sheet.jsonl",
        [{"paper_id": "PMC1", "target_id": "1", **TARGET, "record": wrong}],
    )
    server.responder = lambda body: Reply.ok({"supports": True, "reason": "it says so"})
    out = tmp_path / "out"
    args = [str(records), "--papers", str(papers), "--form", "rct_outcomes", "--out", str(out)]
    result = _run(*args, "--base-url", server.base_url, "--model", "judge-model")
    assert result.exit_code == 0, result.output
    (line,) = _records(out)
    events = line["record"]["intervention_events"]
    assert events["triage"] == "check"  # the model agreed; that verifies nothing
    assert "model_supports" in events["reasons"]
    verified = [f for f, cell in line["record"].items() if cell["triage"] == "verified"]
    asked = len(server.requests)
    assert 0 < asked <= len(line["record"]) - len(verified)  # undecided values only
    prompt = server.requests[0]["messages"][1]["content"]
    assert "<<<PASSAGES" in prompt and "<<<END PASSAGES" in prompt  # paper text fenced


def test_verify_shows_how_a_derived_value_follows_from_the_paper(tmp_path: Path) -> None:
    # An SD the paper gives as the 95% CI of the mean: verified, with its formula in the
    # record and in the report.
    folder = tmp_path / "pdfs"
    folder.mkdir()
    make_pdf(
        folder / "PMC2.pdf",
        [
            "A trial of aspirin\n\nResults\nThe pain score was 55.91 (95% CI 54.65–57.17) in "
            "the aspirin group and 56.48 (95% CI 55.13–57.83) in the placebo group."
        ],
    )
    record = {
        "outcome_type": "continuous",
        "intervention_mean": 55.91,
        "intervention_standard_deviation": 15.64,
        "intervention_group_size": 592,
        "comparator_mean": 56.48,
        "comparator_standard_deviation": 14.76,
        "comparator_group_size": 459,
    }
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain score"}
    sheet = _jsonl(
        tmp_path / "sheet.jsonl",
        [{"paper_id": "PMC2", "target_id": "1", **target, "record": record}],
    )
    out = tmp_path / "out"
    result = _run(str(sheet), "--papers", str(folder), "--form", "rct_outcomes", "--out", str(out))
    assert result.exit_code == 0, result.output
    sd = _records(out)[0]["record"]["intervention_standard_deviation"]
    assert sd["triage"] == "verified" and "derived" in sd["checks_passed"]
    assert "√592 × (57.17 − 54.65)" in sd["derivation"]
    assert "derived: SD from a 95% CI" in (out / "report.html").read_text()
