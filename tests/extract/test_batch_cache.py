"""Re-runs: the response cache makes unchanged work free, nothing is duplicated,
a killed batch resumes, and a form change re-asks only the groups that changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from doubles.openai_server import Reply
from extract_helpers import TRIAL_PAGES, make_document, rct_answer

from extractor.batch import run_batch
from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.cache import ResponseCache
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.custom import load_yaml_form
from schemas.registry import load_form

RCT = load_form("rct_outcomes")


# Counting one request per field group: no follow-up questions.
SINGLE_PASS = ExtractionSettings(agent=AgentSettings(single_pass=True))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def _docs(n: int):
    return [make_document([*TRIAL_PAGES, f"Appendix\nPaper {i}."], f"P{i}.pdf") for i in range(n)]


def _targets(docs) -> dict[str, list[Target]]:
    return {
        d.paper_id: [
            # Targets the paper's numbers fit in their roles: nothing for the agent to follow up.
            Target(
                paper_id=d.paper_id,
                target_id=t,
                intervention="aspirin",
                comparator="placebo",
                outcome=outcome,
            )
            for t, outcome in (("death", "death"), ("stroke", "all-cause death"))
        ]
        for d in docs
    }


def test_rerun_makes_zero_requests_and_never_duplicates(tmp_path, server, make_openai) -> None:
    docs = _docs(3)
    server.responder = lambda body: Reply.ok(rct_answer())
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        extractor = RecordMaker(RCT, make_openai(), cache=cache)
        first = run_batch(
            docs,
            extractor,
            out_dir=tmp_path / "out",
            targets=_targets(docs),
            concurrency=3,
            progress=False,
        )
        assert (first.records, first.errors, len(server.requests)) == (6, 0, 6)
        # Same out dir: every record is up to date, nothing is asked or written again.
        again = run_batch(
            docs, extractor, out_dir=tmp_path / "out", targets=_targets(docs), progress=False
        )
        assert (again.records, again.skipped, len(server.requests)) == (0, 6, 6)
        # A fresh out dir: records are rebuilt from the cache, still zero requests.
        fresh = run_batch(
            docs, extractor, out_dir=tmp_path / "fresh", targets=_targets(docs), progress=False
        )
        assert (fresh.records, fresh.cache_hits, fresh.requests, len(server.requests)) == (
            6,
            6,
            0,
            6,
        )
    lines = _lines(tmp_path / "out" / "records.jsonl")
    assert len(lines) == 6
    assert len({(x["paper_id"], x["target_id"]) for x in lines}) == 6
    fresh_lines = _lines(tmp_path / "fresh" / "records.jsonl")
    assert all(x["provenance"]["cached"] for x in fresh_lines)
    assert [
        x["record"] for x in sorted(fresh_lines, key=lambda x: (x["paper_id"], x["target_id"]))
    ] == [x["record"] for x in sorted(lines, key=lambda x: (x["paper_id"], x["target_id"]))]


def test_killed_batch_resumes_without_duplicates(tmp_path, server, make_openai) -> None:
    docs = _docs(2)
    out = tmp_path / "out"
    server.responder = lambda body: Reply.ok(rct_answer())
    extractor = RecordMaker(RCT, make_openai())
    run_batch(docs[:1], extractor, out_dir=out, targets=_targets(docs), progress=False)
    # Simulate a kill mid-write: a torn half line after the finished records.
    with (out / "records.jsonl").open("a") as handle:
        handle.write('{"paper_id": "P1", "target_id": "dea')
    asked = len(server.requests)
    summary = run_batch(docs, extractor, out_dir=out, targets=_targets(docs), progress=False)
    assert (summary.skipped, summary.records) == (2, 2)
    assert len(server.requests) == asked + 2
    lines = _lines(out / "records.jsonl")  # every line parses: the torn one is gone
    assert sorted((x["paper_id"], x["target_id"]) for x in lines) == [
        ("P0", "death"),
        ("P0", "stroke"),
        ("P1", "death"),
        ("P1", "stroke"),
    ]


def test_stale_record_is_replaced_and_old_errors_dropped(tmp_path, server, make_openai) -> None:
    doc = _docs(1)[0]
    out = tmp_path / "out"
    targets = _targets([doc])
    server.script(Reply.refused(), Reply.ok(rct_answer()))
    first = run_batch(
        [doc],
        RecordMaker(RCT, make_openai()),
        out_dir=out,
        targets=targets,
        concurrency=1,
        progress=False,
    )
    assert (first.records, first.errors) == (1, 1)
    assert _lines(out / "errors.jsonl")[0]["kind"] == "refused"
    # The paper changed (new sha256): its record is stale and replaced, not duplicated.
    changed = make_document([*TRIAL_PAGES, "Appendix\nPaper 0, corrected."], "P0.pdf")
    server.responder = lambda body: Reply.ok(rct_answer())
    second = run_batch(
        [changed], RecordMaker(RCT, make_openai()), out_dir=out, targets=targets, progress=False
    )
    assert (second.records, second.errors, second.skipped) == (2, 0, 0)
    lines = _lines(out / "records.jsonl")
    assert len(lines) == 2
    assert {x["provenance"]["paper_sha256"] for x in lines} == {changed.source.sha256}
    assert _lines(out / "errors.jsonl") == []


FORM_YAML = """
name: two_groups
version: "1"
fields:
  - {name: sample_size, type: integer, description: participants randomised, group: design}
  - {name: blinded, type: boolean, description: the trial was blinded, group: design}
  - {name: deaths, type: integer, description: deaths in the aspirin arm, group: results}
"""


def test_form_change_reasks_only_the_changed_group(tmp_path, server, make_openai) -> None:
    doc = _docs(1)[0]
    form_path = tmp_path / "form.yaml"
    form_path.write_text(FORM_YAML)
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        backend = make_openai()
        run_batch(
            [doc],
            RecordMaker(load_yaml_form(form_path), backend, cache=cache, settings=SINGLE_PASS),
            out_dir=tmp_path / "out",
            progress=False,
        )
        assert len(server.requests) == 2  # one call per group
        form_path.write_text(
            FORM_YAML.replace("deaths in the aspirin arm", "deaths among aspirin patients")
        )
        changed = load_yaml_form(form_path)
        summary = run_batch(
            [doc],
            RecordMaker(changed, backend, cache=cache, settings=SINGLE_PASS),
            out_dir=tmp_path / "out",
            progress=False,
        )
    assert len(server.requests) == 3
    assert "deaths among aspirin patients" in json.dumps(server.requests[-1]["messages"])
    assert (summary.records, summary.requests) == (1, 1)
    (line,) = _lines(tmp_path / "out" / "records.jsonl")
    assert line["provenance"]["form_hash"] == changed.hash
