"""End to end: the CLI, the real PDF parser, extractor and openai client against a loopback
OpenAI-compatible server. Incremental runs send requests only for new work."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from doubles.openai_server import FakeOpenAIServer
from review_testdata import write_pdf
from typer.testing import CliRunner

import extractor.cli.review_cmd  # noqa: F401  (registers the review commands)
from extractor.cli import app
from extractor.review.store import ReviewStore

FORM_YAML = """\
name: trial_basics
version: "1.0"
description: Basic facts of a clinical study, one record per paper.
fields:
  - name: condition
    type: string
    description: the disease studied
    group: design
  - name: participants
    type: integer
    description: participants enrolled
    group: design
  - name: primary_outcome
    type: string
    description: the primary outcome
    group: results
"""
NEW_FIELD = """\
  - name: follow_up_months
    type: number
    description: length of follow-up in months
    group: results
"""
SECRET = "sk-test-secret-0123456789"
MARKER = re.compile(r"MARKER(\d+)")


def paper_pdf(folder: Path, i: int) -> Path:
    return write_pdf(
        folder / f"trial{i}.pdf",
        f"Randomised Trial Number {i} of Something Important",
        f"MARKER{i} We enrolled {100 + i} participants with condition {i}.\n"
        f"The primary outcome was mortality at {i + 6} months.",
    )


def markers(requests: list[dict[str, Any]]) -> list[set[int]]:
    """Which papers each request's messages contain."""
    return [
        {int(m) for msg in body["messages"] for m in MARKER.findall(str(msg.get("content")))}
        for body in requests
    ]


def schema_fields(body: dict[str, Any]) -> set[str]:
    fmt = body.get("response_format") or {}
    schema = fmt.get("json_schema", {}).get("schema", {})
    return set(schema.get("properties", {}))


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def server():
    with FakeOpenAIServer() as fake:
        yield fake


def test_living_review_end_to_end(
    tmp_path: Path, server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    review = tmp_path / "review"
    incoming = tmp_path / "incoming"
    form = tmp_path / "trial_basics.yaml"
    form.write_text(FORM_YAML, encoding="utf-8")
    invoke(
        "init", str(review), "--form", str(form), "--backend", "openai",
        "--model", "fake-model", "--base-url", server.base_url,
        "--single-pass",  # this test counts one request per field group
    )  # fmt: skip
    assert "api_key" not in (review / "review.toml").read_text()

    # Run 1: three papers, two field groups each -> six requests, each about one paper.
    invoke("add", str(review), *(str(paper_pdf(incoming, i)) for i in range(3)))
    out = invoke("update", str(review), "--no-progress")
    print(out)
    assert re.search(r"extracted\s+│\s+3", out), out
    first = server.requests
    assert len(first) == 6
    assert sorted(m for s in markers(first) for m in s) == [0, 0, 1, 1, 2, 2]

    # Run 2: two more papers: requests only for them.
    for i in (3, 4):
        paper_pdf(review / "papers", i)  # dropped straight into the folder
    invoke("update", str(review), "--no-progress")
    second = server.requests[len(first) :]
    assert len(second) == 4
    assert all(len(s) == 1 for s in markers(second))
    assert {m for s in markers(second) for m in s} == {3, 4}

    # Run 3: nothing new -> no request at all.
    invoke("update", str(review), "--no-progress")
    assert len(server.requests) == len(first) + len(second)

    # Run 4: the form gains a field in group "results": only that group is asked again.
    review_form = review / "forms" / "trial_basics.yaml"
    review_form.write_text(FORM_YAML + NEW_FIELD, encoding="utf-8")
    invoke("update", str(review), "--no-progress")
    fourth = server.requests[len(first) + len(second) :]
    assert len(fourth) == 5
    assert {m for s in markers(fourth) for m in s} == {0, 1, 2, 3, 4}
    assert all(schema_fields(body) >= {"follow_up_months", "primary_outcome"} for body in fourth)
    assert not any("participants" in schema_fields(body) for body in fourth)

    with ReviewStore(review / "review.sqlite") as store:
        runs = store.runs()
        assert [r.requests for r in runs] == [6, 4, 0, 5]
        assert [r.papers_processed for r in runs] == [3, 2, 0, 5]
        for i in range(5):
            versions = store.versions(f"trial{i}")
            assert [v.version for v in versions] == [1, 2]
            assert "follow_up_months" in versions[-1].record
            assert versions[-1].key is not None and versions[0].key is not None
            assert versions[-1].key.form_hash != versions[0].key.form_hash

    # Human correction, history, diff, export through the CLI.
    invoke(
        "correct", str(review), "trial2", "participants", "250",
        "--by", "ana", "--why", "CONSORT diagram",
    )  # fmt: skip
    history = invoke("history", str(review), "trial2")
    assert "human" in history and "ana" in history
    diff = invoke("diff", str(review), "trial2", "--from", "2", "--to", "3")
    assert "participants" in diff and "250" in diff
    runs_diff = invoke("diff", str(review), "--from", "3", "--to", "4")
    assert "follow_up_months" in runs_diff
    status = invoke("status", str(review))
    assert "5 up to date, 0 stale" in status
    invoke("export", str(review), "--format", "jsonl")
    rows = [
        json.loads(line) for line in (review / "exports" / "records.jsonl").read_text().splitlines()
    ]
    assert len(rows) == 5
    trial2 = next(r for r in rows if r["paper_id"] == "trial2")
    assert trial2["record"]["participants"]["value"] == 250
    assert trial2["corrected"]["participants"]["by"] == "ana"
    # The key was used (sent to the server) but is stored nowhere in the review.
    headers = {k.lower(): v for k, v in server.request_headers[0].items()}
    assert headers["authorization"] == f"Bearer {SECRET}"
    for path in review.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_update_of_a_missing_review_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["update", str(tmp_path / "nope")])
    assert result.exit_code == 2  # nothing done: a bad input, as for every command
    assert "not a review (no review.toml)" in result.output
