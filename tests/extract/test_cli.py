"""`litextract extract` through typer's CliRunner against the loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from doubles.openai_server import Reply
from extract_helpers import TRIAL_PAGES, make_pdf, rct_answer
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    for i in range(3):
        make_pdf(pdfs / f"PMC{i}.pdf", [*TRIAL_PAGES, f"Appendix\nTrial number {i}."])
    (pdfs / "PMC9.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    targets = tmp_path / "targets.jsonl"
    targets.write_text(
        "\n".join(
            json.dumps(
                {
                    "paper_id": f"PMC{i}",
                    "target_id": i,
                    "intervention": "aspirin",
                    "comparator": "placebo",
                    "outcome": "death",
                }
            )
            for i in (0, 1, 2, 9)
        )
    )
    return pdfs, targets


def test_extract_writes_records_errors_and_a_summary(tmp_path: Path, server) -> None:
    pdfs, targets = _corpus(tmp_path)
    server.responder = lambda body: Reply.ok(rct_answer())
    out = tmp_path / "out"
    args = [
        "extract",
        str(pdfs),
        "--form",
        "rct_outcomes",
        "--targets",
        str(targets),
        "--out",
        str(out),
        "--base-url",
        server.base_url,
        "--model",
        "fake-model",
        "--concurrency",
        "2",
        "--no-progress",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # the broken PDF failed, the rest went on
    assert isinstance(result.exception, SystemExit), result.exception
    records = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert sorted(r["paper_id"] for r in records) == ["PMC0", "PMC1", "PMC2"]
    assert all(r["record"]["intervention_events"]["evidence"][0]["grounded"] for r in records)
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["paper_id"] for e in errors] == ["PMC9"] and "PMC9.pdf" in errors[0]["error"]
    assert "records" in result.output and "cache hits" in result.output
    assert len(server.requests) == 3
    # Unchanged re-run: nothing asked, nothing duplicated.
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert len(server.requests) == 3
    assert len((out / "records.jsonl").read_text().splitlines()) == 3


def test_targeted_form_without_targets_is_a_clear_error(tmp_path: Path, server) -> None:
    pdfs, _ = _corpus(tmp_path)
    result = runner.invoke(
        app,
        [
            "extract",
            str(pdfs),
            "--form",
            "rct_outcomes",
            "--out",
            str(tmp_path / "o"),
            "--base-url",
            server.base_url,
        ],
    )
    assert result.exit_code == 2
    assert "form rct_outcomes is targeted: give --targets" in result.output
    assert server.requests == []


def test_bad_form_and_bad_targets_name_the_file(tmp_path: Path, server) -> None:
    pdfs, _ = _corpus(tmp_path)
    bad_form = tmp_path / "f.yaml"
    bad_form.write_text("name: f\nfields:\n  - {name: a, type: nope}\n")
    result = runner.invoke(
        app,
        [
            "extract",
            str(pdfs),
            "--form",
            str(bad_form),
            "--out",
            str(tmp_path / "o"),
            "--base-url",
            server.base_url,
        ],
    )
    assert result.exit_code == 2
    assert f"{bad_form}: field 'a': type:" in " ".join(result.output.split())
    bad_targets = tmp_path / "t.jsonl"
    bad_targets.write_text('{"paper_id": "PMC0", "target_id": "1"}\n')
    result = runner.invoke(
        app,
        [
            "extract",
            str(pdfs),
            "--form",
            "rct_outcomes",
            "--targets",
            str(bad_targets),
            "--out",
            str(tmp_path / "o"),
            "--base-url",
            server.base_url,
        ],
    )
    assert result.exit_code == 2
    assert "line 1: intervention: Field required" in " ".join(result.output.split())
