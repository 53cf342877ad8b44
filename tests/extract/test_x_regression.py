"""Regression: a model answering "x" for every text field got "x" verified inside words.

The scripted server quotes a real sentence of the paper that has the letter x only inside
words ("extractor", "contrastive"): no text value may come out `verified`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from doubles.openai_server import Reply, request_schema
from extract_helpers import make_pdf
from typer.testing import CliRunner

from extractor.cli import _register, app
from schemas.kinds import FieldKind
from schemas.registry import load_form

_register()
runner = CliRunner()
FM = load_form("fm_imaging")
SENTENCE = "We release the extractor and a contrastive model for medical images."


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _answer_x(body: dict) -> Reply:
    schema = request_schema(body) or {}
    answer = {}
    for name in schema.get("properties", {}):
        if name in FM.field_names and FM.field(name).kind == FieldKind.string:
            answer[name] = {"value": "x", "status": "reported", "evidence": [{"quote": SENTENCE}]}
        else:
            answer[name] = {"value": None, "status": "not_reported", "evidence": []}
    return Reply.ok(answer)


def test_x_is_not_verified_inside_words(tmp_path: Path, server) -> None:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    make_pdf(pdfs / "paper.pdf", [f"A foundation model\n\nMethods\n{SENTENCE}"])
    server.responder = _answer_x
    out = tmp_path / "out"
    args = ["extract", str(pdfs), "--form", "fm_imaging", "--out", str(out)]
    args += ["--base-url", server.base_url, "--model", "fake-model", "--no-progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    texts = [s.name for s in FM.fields if s.kind == FieldKind.string]
    given = {name: line["record"][name] for name in texts if line["record"][name]["value"] == "x"}
    assert set(given) == {"title", "model_name", "backbone"}  # the server's answers arrived
    for name, cell in given.items():
        assert cell["evidence"][0]["grounded"], name  # the quote is the paper's own text
        assert cell["triage"] == "check", name
        assert "value_not_in_quote" in cell["reasons"], name
