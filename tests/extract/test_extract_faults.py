"""End to end with the real openai client against the loopback server: every fault
ends in the right record or error line, nothing is lost, and requests are counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from doubles.openai_server import FakeOpenAIServer, Reply
from extract_helpers import make_document, rct_answer

from extractor.batch import run_batch
from extractor.document import Document
from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.registry import load_form

RCT = load_form("rct_outcomes")
TARGET = Target(
    paper_id="PMC1", target_id="7", intervention="aspirin", comparator="placebo", outcome="death"
)


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


SINGLE_PASS = ExtractionSettings(agent=AgentSettings(single_pass=True))


def _run(tmp_path: Path, backend: Any, docs: list[Document], **kw: Any):
    # These tests are about the first pass meeting faulty servers: no follow-ups.
    kw.setdefault("settings", SINGLE_PASS)
    extractor = RecordMaker(RCT, backend, **kw)
    targets = {d.paper_id: [TARGET.model_copy(update={"paper_id": d.paper_id})] for d in docs}
    summary = run_batch(
        docs, extractor, out_dir=tmp_path, targets=targets, concurrency=1, progress=False
    )
    return summary, _read(tmp_path / "records.jsonl"), _read(tmp_path / "errors.jsonl")


def test_clean_answer_gives_a_grounded_record(tmp_path, server, make_openai, trial_doc) -> None:
    server.script(Reply.ok(rct_answer()))
    summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert (summary.records, summary.errors, len(server.requests)) == (1, 0, 1)
    (line,) = records
    assert errors == []
    assert line["paper_id"] == "PMC1" and line["target_id"] == "7"
    assert line["target"]["outcome"] == "death"
    events = line["record"]["intervention_events"]
    assert events["value"] == 12 and events["status"] == "reported"
    (ev,) = events["evidence"]
    assert ev["grounded"] and ev["page"] == 1 and ev["section"] == "Results"
    assert trial_doc.text[ev["char_start"] : ev["char_end"]].startswith("Death occurred in 12")
    prov = line["provenance"]
    assert prov["requests"] == 1 and prov["warnings"] == []
    assert prov["paper_sha256"] == trial_doc.source.sha256
    assert prov["form_hash"] == RCT.hash and len(prov["prompt_hash"]) == 16
    assert prov["structured_mode"] == "json_schema" and prov["usage"]["prompt_tokens"] > 0
    # The strict schema of the group went out with the request. The printed form's group
    # was not asked: the pooled numbers are printed, so none of its fields applies.
    body = server.requests[0]
    assert body["response_format"]["json_schema"]["strict"] is True
    outcome_group = {spec.name for spec in RCT.groups["outcome"]}
    assert set(body["response_format"]["json_schema"]["schema"]["properties"]) == outcome_group
    assert "not asked, as none of their fields applies: printed" in prov["trace"][0]["note"]
    assert line["record"]["intervention_median"]["status"] == "not_reported"


def test_rate_limit_honours_retry_after(tmp_path, server, make_openai, trial_doc) -> None:
    waits: list[float] = []
    backend = make_openai(retry=RetryPolicy(max_attempts=4, initial=0.01, sleep=waits.append))
    server.script(Reply.rate_limited(3), Reply.ok(rct_answer()))
    _summary, records, errors = _run(tmp_path, backend, [trial_doc])
    assert len(records) == 1 and errors == []
    assert waits == [3.0]
    assert len(server.requests) == 2 and records[0]["provenance"]["requests"] == 2


def test_server_error_is_retried(tmp_path, server, make_openai, trial_doc) -> None:
    server.script(Reply.server_error(500), Reply.server_error(503), Reply.ok(rct_answer()))
    summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert len(records) == 1 and errors == []
    assert len(server.requests) == 3 and summary.requests == 3


def test_timeout_is_retried(tmp_path, server, make_openai, trial_doc) -> None:
    server.script(Reply.slow(2.0, rct_answer()), Reply.ok(rct_answer()))
    _summary, records, errors = _run(tmp_path, make_openai(timeout=0.3), [trial_doc])
    assert len(records) == 1 and errors == []
    assert len(server.requests) == 2


def test_persistent_outage_goes_to_errors_and_the_batch_goes_on(
    tmp_path, server, make_openai, trial_doc
) -> None:
    other = make_document(["Results\nNothing."], path="PMC2.pdf")
    server.script(*[Reply.server_error(500)] * 4, Reply.ok(rct_answer()))
    summary, records, errors = _run(tmp_path, make_openai(), [trial_doc, other])
    assert [e["paper_id"] for e in errors] == ["PMC1"]
    assert errors[0]["kind"] == "transient" and errors[0]["target_id"] == "7"
    assert "gave up after 4 attempt(s)" in errors[0]["error"]
    assert [r["paper_id"] for r in records] == ["PMC2"]
    assert len(server.requests) == 5 and summary.requests == 5


def test_truncated_answer_is_retried_once_with_a_larger_budget(
    tmp_path, server, make_openai, trial_doc
) -> None:
    server.script(Reply.truncated(rct_answer()), Reply.ok(rct_answer()))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert len(records) == 1 and errors == []
    first, second = server.requests
    assert second["max_tokens"] == 2 * first["max_tokens"]
    assert second["messages"] == first["messages"]


def test_truncated_twice_is_an_error_not_a_third_request(
    tmp_path, server, make_openai, trial_doc
) -> None:
    server.script(Reply.truncated(rct_answer()), Reply.truncated(rct_answer()))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert records == [] and len(server.requests) == 2
    assert errors[0]["kind"] == "truncated" and "truncated" in errors[0]["error"]


def test_malformed_json_is_reasked(tmp_path, server, make_openai, trial_doc) -> None:
    server.script(Reply.malformed('{"outcome_type": {"value": "bin'), Reply.ok(rct_answer()))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert len(records) == 1 and errors == []
    assert len(server.requests) == 2
    assert "not a JSON object" in server.requests[1]["messages"][-1]["content"]


def test_schema_invalid_answer_is_reasked_with_the_error_shown(
    tmp_path, server, make_openai, trial_doc
) -> None:
    bad = rct_answer(intervention_events={"value": "twelve", "status": "reported", "evidence": []})
    server.script(Reply.ok(bad), Reply.ok(rct_answer()))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert len(records) == 1 and errors == []
    assert records[0]["record"]["intervention_events"]["value"] == 12
    second = server.requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and "twelve" in second[-2]["content"]
    assert second[-1]["role"] == "user"
    assert "intervention_events.value" in second[-1]["content"]
    assert "valid integer" in second[-1]["content"]


def test_invalid_after_all_reasks_goes_to_errors(tmp_path, server, make_openai, trial_doc) -> None:
    bad = rct_answer(outcome_type={"value": "survival", "status": "reported", "evidence": []})
    server.script(Reply.ok(bad), Reply.ok(bad), Reply.ok(bad))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc], max_reasks=2)
    assert records == [] and len(server.requests) == 3
    assert errors[0]["kind"] == "invalid_output"
    assert "after 2 re-ask(s)" in errors[0]["error"] and "\n" not in errors[0]["error"]


def test_empty_answer_is_an_error_never_an_empty_record(
    tmp_path, server, make_openai, trial_doc
) -> None:
    server.script(Reply.ok(""), Reply.ok(""), Reply.ok(""))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert records == [] and errors[0]["kind"] == "invalid_output"
    assert len(server.requests) == 3


def test_refusal_is_recorded_as_such(tmp_path, server, make_openai, trial_doc) -> None:
    server.script(Reply.refused("I cannot help with that."))
    _summary, records, errors = _run(tmp_path, make_openai(), [trial_doc])
    assert records == [] and len(server.requests) == 1
    assert errors[0]["kind"] == "refused"
    assert errors[0]["error"].startswith("refused: ") and "cannot help" in errors[0]["error"]


def test_quote_not_in_the_paper_is_flagged(tmp_path, server, make_openai, trial_doc) -> None:
    invented = "Aspirin reduced deaths by half in all subgroups (p<0.001)."
    answer = rct_answer(
        intervention_events={
            "value": 12,
            "status": "reported",
            "evidence": [{"quote": invented, "page": 1}],
        },
        comparator_events={"value": 20, "status": "reported", "evidence": []},
    )
    server.script(Reply.ok(answer))
    _summary, records, _errors = _run(tmp_path, make_openai(), [trial_doc])
    (line,) = records
    record = line["record"]
    (ev,) = record["intervention_events"]["evidence"]
    assert ev["grounded"] is False and ev["char_start"] is None
    assert ev["alignment"] == "not_found"
    assert record["intervention_events"]["reasons"] == ["quote_not_found"]
    assert record["intervention_events"]["triage"] == "check"
    assert record["comparator_events"]["reasons"] == ["no_quote"]
    assert record["intervention_group_size"]["triage"] == "verified"
    assert record["intervention_group_size"]["findings"] == []


def test_a_repeated_quote_is_kept_once(tmp_path, server, make_openai, trial_doc) -> None:
    quote = "Death occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo."
    evidence = [{"quote": quote, "page": 1}, {"quote": quote + " ", "page": 2}]
    answer = rct_answer(
        intervention_events={"value": 12, "status": "reported", "evidence": evidence}
    )
    server.script(Reply.ok(answer))
    _summary, records, _errors = _run(tmp_path, make_openai(), [trial_doc])
    (line,) = records
    (ev,) = line["record"]["intervention_events"]["evidence"]
    assert ev["grounded"] is True and ev["page"] == 1


def test_number_missing_from_its_grounded_quote_is_flagged(
    tmp_path, server, make_openai, trial_doc
) -> None:
    # The quote is really in the paper, but it does not print the value given for it.
    quote = "Death occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo."
    answer = rct_answer(
        intervention_events={
            "value": 13,
            "status": "reported",
            "evidence": [{"quote": quote, "page": 1}],
        }
    )
    server.script(Reply.ok(answer))
    _summary, records, _errors = _run(tmp_path, make_openai(), [trial_doc])
    (line,) = records
    events = line["record"]["intervention_events"]
    assert events["evidence"][0]["grounded"] is True
    # ... nor anywhere else in the paper (the role checks locate every value themselves).
    assert events["reasons"] == ["value_not_in_quote", "not_printed"]
    assert events["triage"] == "check"
    assert "13" in events["findings"][0]["message"]


@pytest.mark.parametrize("mode", ["json_object", "tools"])
def test_fallback_modes_end_in_the_same_record(tmp_path, mode, trial_doc) -> None:
    # A server without strict json_schema: the backend falls back, the record is the same.
    with FakeOpenAIServer(structured_modes=(mode,)) as srv:
        srv.script(Reply.ok(rct_answer()))
        backend = OpenAIBackend(
            "fake-model",
            base_url=srv.base_url,
            api_key="sk-test",
            retry=RetryPolicy(max_attempts=2, initial=0.01, sleep=lambda _: None),
        )
        _summary, records, errors = _run(tmp_path, backend, [trial_doc])
    assert errors == [] and records[0]["provenance"]["structured_mode"] == mode
    assert records[0]["record"]["comparator_events"]["value"] == 20
