"""The extraction agent, end to end through the real openai client: each kind of
first-pass mistake is caught by a check, recovered by a follow-up, and triaged."""

from __future__ import annotations

import json

import pytest
from doubles.documents import make_document
from doubles.openai_server import FakeOpenAIServer, Reply
from doubles.simulated_model import FOLLOWUP_MARK, Fault, SimulatedModel, Truth
from doubles.trials import synthetic_trial

from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.cache import ResponseCache
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.registry import load_form

RCT = load_form("rct_outcomes")
TRIAL = synthetic_trial(0)
RESULTS, ABSTRACT, APPENDIX, TRUTH = TRIAL.results, TRIAL.abstract, TRIAL.appendix, TRIAL.truth
DEATH, STROKE = TRIAL.targets


def _extractor(server: FakeOpenAIServer, **agent: object) -> RecordMaker:
    backend = OpenAIBackend(
        "sim-model",
        base_url=server.base_url,
        api_key="sk-test",
        retry=RetryPolicy(max_attempts=2, initial=0.01, sleep=lambda _: None),
        structured_mode="json_schema",
    )
    settings = ExtractionSettings(agent=AgentSettings(**agent))  # type: ignore[arg-type]
    return RecordMaker(RCT, backend, settings=settings)


@pytest.fixture
def doc():
    return TRIAL.document


def _run(doc, target: Target, faults: dict, **agent: object):
    model = SimulatedModel(TRUTH, faults)
    with FakeOpenAIServer(model) as server:
        line = _extractor(server, **agent).make_record(doc, target)
        return line, model, server.requests


@pytest.mark.parametrize(
    ("field", "fault", "first_reason", "first_requests"),
    [
        ("intervention_events", Fault("invented_quote"), "quote_not_found", 1),
        ("comparator_events", Fault("number_not_in_quote"), "value_not_in_quote", 1),
        (
            "intervention_events",
            Fault("events_over_group", Truth(120, ABSTRACT)),
            "rule_failed",
            1,
        ),
        # "continuous" with no mean makes the printed form apply: its group is asked too.
        ("outcome_type", Fault("wrong_enum", Truth("continuous", RESULTS)), "rule_failed", 2),
    ],
)
def test_each_kind_of_mistake_is_caught_and_recovered(
    doc, field, fault, first_reason, first_requests
) -> None:
    line, model, requests = _run(doc, DEATH, {("death", field): fault})
    value = line.record[field]
    assert value.value == TRUTH["death"][field].value  # recovered
    assert value.triage == "verified" and value.grounded
    # one request per group that applies, then one focused follow-up, nothing more
    assert model.calls == ["first"] * first_requests + ["followup"]
    check, followup = line.provenance.trace[1], line.provenance.trace[2]
    assert check.step == "check" and first_reason in check.reasons[field]
    assert followup.step == "followup" and field in followup.changed
    assert followup.requests == 1 and followup.usage.total_tokens > 0
    assert line.provenance.requests == first_requests + 1
    # The follow-up asked only about what failed, with the reason and retrieved passages.
    asked = requests[first_requests]["response_format"]["json_schema"]["schema"]["properties"]
    assert field in asked and len(asked) < len(RCT.fields)
    assert FOLLOWUP_MARK in requests[first_requests]["messages"][1]["content"]


def test_a_field_missed_because_its_section_was_not_sent_is_found(doc) -> None:
    model = SimulatedModel(TRUTH)
    with FakeOpenAIServer(model) as server:
        extractor = _extractor(server)
        small = ExtractionSettings(max_context_tokens=150, agent=extractor.settings.agent)
        extractor = RecordMaker(RCT, extractor.backend, settings=small)
        line = extractor.make_record(doc, STROKE)
    first = line.provenance.trace[1].reasons
    assert "not_in_text_sent" in first["intervention_events"]  # the appendix was left out
    assert line.record["intervention_events"].value == 7
    assert line.record["comparator_group_size"].value == 59
    assert line.record["intervention_events"].triage == "verified"
    # The events were missing after the outcome group, so the printed form (events as a
    # percentage) was asked for as well; then one follow-up.
    assert model.calls == ["first", "first", "followup"]


def test_single_pass_flags_the_mistake_but_asks_nothing_more(doc) -> None:
    line, model, _ = _run(
        doc, DEATH, {("death", "intervention_events"): Fault("invented_quote")}, single_pass=True
    )
    value = line.record["intervention_events"]
    assert model.calls == ["first"]
    assert value.triage == "check" and value.reasons == ["quote_not_found"]
    assert line.record["comparator_events"].triage == "verified"
    # Fields that do not apply to a binary outcome need no review.
    assert line.record["intervention_mean"].triage == "verified"
    assert line.record["intervention_mean"].reasons == ["not_applicable"]


def test_no_value_is_ever_verified_by_default(doc) -> None:
    # The model answers nothing at all: every field is missing, none verified.
    with FakeOpenAIServer(lambda body: Reply.ok(_all_not_reported(body))) as server:
        line = _extractor(server).make_record(doc, DEATH)
    assert {v.triage for v in line.record.values()} == {"missing"}


def _all_not_reported(body: dict) -> dict:
    props = body["response_format"]["json_schema"]["schema"]["properties"]
    return {name: {"value": None, "status": "not_reported", "evidence": []} for name in props}


def test_a_failed_second_rater_keeps_the_first_raters_values(doc, tmp_path) -> None:
    model = SimulatedModel(TRUTH)
    with FakeOpenAIServer(model) as server, FakeOpenAIServer() as broken:
        broken.responder = lambda body: Reply.server_error(503)
        extractor = _extractor(server, raters=2, second_model="other")
        extractor.extractor.second_backend = OpenAIBackend(
            "other",
            base_url=broken.base_url,
            api_key="sk-test",
            retry=RetryPolicy(max_attempts=2, initial=0.01, sleep=lambda _: None),
            structured_mode="json_schema",
        )
        line = extractor.make_record(doc, DEATH)
    events = line.record["intervention_events"]
    assert events.value == 12 and events.triage == "check"
    assert "second_rater_failed" in events.reasons
    assert line.provenance.trace[-2].step == "second_rater"
    assert "failed" in line.provenance.trace[-2].note


def test_two_raters_that_disagree_send_the_value_to_check(doc) -> None:
    faults = {("death", "comparator_events"): Fault("events_over_group", Truth(19, RESULTS))}
    first = SimulatedModel(TRUTH)
    second = SimulatedModel(TRUTH, faults)  # a different model, wrong on one field

    class Second:  # a second rater that makes the same mistake on the follow-up too
        def __call__(self, body: dict) -> Reply:
            return second(body)

    with FakeOpenAIServer(first) as server, FakeOpenAIServer(Second()) as other:
        extractor = _extractor(server, raters=2, second_model="other-model")
        extractor.extractor.second_backend = OpenAIBackend(
            "other-model", base_url=other.base_url, api_key="k", structured_mode="json_schema"
        )
        line = extractor.make_record(doc, DEATH)
    disputed = line.record["comparator_events"]
    assert disputed.value == 20 and disputed.second_value == 19
    assert disputed.triage == "check" and "raters_disagree" in disputed.reasons
    assert line.record["intervention_events"].triage == "verified"
    assert line.record["intervention_events"].second_value == 12


def test_an_unchanged_rerun_sends_no_request_including_followups(doc, tmp_path) -> None:
    faults = {("death", "intervention_events"): Fault("invented_quote")}
    model = SimulatedModel(TRUTH, faults)
    with FakeOpenAIServer(model) as server, ResponseCache(tmp_path / "c.sqlite") as cache:
        extractor = _extractor(server)
        extractor.extractor.cache = cache
        first = extractor.make_record(doc, DEATH)
        asked = len(server.requests)
        again = extractor.make_record(doc, DEATH)
        assert len(server.requests) == asked == 2
    assert again.provenance.requests == 0 and again.provenance.cached
    assert again.record == first.record


def test_paper_text_reaches_a_followup_only_inside_its_markers(doc) -> None:
    _line, _model, requests = _run(
        doc, DEATH, {("death", "intervention_events"): Fault("invented_quote")}
    )
    user = requests[1]["messages"][1]["content"]
    fence_open = user.splitlines()[0]
    close = fence_open.replace("<<<PASSAGES", "<<<END PASSAGES")
    inside, outside = user.split(close)[0], user.split(close)[1]
    assert RESULTS in inside
    assert "Death occurred" not in outside and "randomised" not in outside
    assert "your quote is not in the paper" in outside


def test_a_decimal_comma_stands_in_its_quote() -> None:
    # "1,5" is one and a half, not fifteen: the check reads numbers as papers print them.
    quote = "Pain fell to a mean of 1,5 (SD 0,4) with the brace and 2,1 (SD 0,6) with usual care."
    document = make_document([f"Results\n{quote}"])
    target = Target(
        paper_id="PMC1", target_id="pain", intervention="brace", comparator="usual care",
        outcome="pain",
    )  # fmt: skip
    answers = {
        "outcome_type": {
            "value": "continuous",
            "status": "reported",
            "evidence": [{"quote": quote}],
        },
        "intervention_mean": {"value": 1.5, "status": "reported", "evidence": [{"quote": quote}]},
        "intervention_standard_deviation": {
            "value": 0.4,
            "status": "reported",
            "evidence": [{"quote": quote}],
        },
        "comparator_mean": {"value": 21, "status": "reported", "evidence": [{"quote": quote}]},
    }

    def respond(body: dict) -> Reply:
        props = body["response_format"]["json_schema"]["schema"]["properties"]
        empty = {"value": None, "status": "not_reported", "evidence": []}
        return Reply.ok({name: answers.get(name, empty) for name in props})

    with FakeOpenAIServer(respond) as server:
        line = _extractor(server, single_pass=True).make_record(document, target)
    assert line.record["intervention_mean"].findings == []
    assert line.record["intervention_mean"].triage == "verified"
    assert line.record["comparator_mean"].reasons == ["value_not_in_quote", "not_printed"]
    assert json.loads(line.model_dump_json())["record"]["comparator_mean"]["triage"] == "check"


def test_a_followup_that_drops_a_value_never_trades_it_for_nothing(doc) -> None:
    # The first answer is right but its quote is invented; the follow-up gives up.
    model = SimulatedModel(
        TRUTH,
        {("death", "intervention_events"): Fault("invented_quote")},
        followup_faults={("death", "intervention_events"): Fault("drops_value")},
    )
    with FakeOpenAIServer(model) as server:
        line = _extractor(server).make_record(doc, DEATH)
    kept = line.record["intervention_events"]
    assert model.calls == ["first", "followup"]
    assert kept.value == TRUTH["death"]["intervention_events"].value
    assert kept.triage == "check"
    assert "followup_dropped" in kept.reasons and "quote_not_found" in kept.reasons


def test_a_followup_value_in_another_role_does_not_replace_a_right_one(doc) -> None:
    # The follow-up answers the comparator's number with its real quote: located in the
    # paper, but in the other arm's role. The right first answer must stay.
    truth = TRUTH["death"]
    other_arm = Truth(truth["comparator_events"].value, truth["comparator_events"].quote)
    model = SimulatedModel(
        TRUTH,
        {("death", "intervention_events"): Fault("invented_quote")},
        followup_faults={("death", "intervention_events"): Fault("events_over_group", other_arm)},
    )
    with FakeOpenAIServer(model) as server:
        line = _extractor(server).make_record(doc, DEATH)
    kept = line.record["intervention_events"]
    assert model.calls == ["first", "followup"]
    assert kept.value == truth["intervention_events"].value != other_arm.value
    followup = next(s for s in line.provenance.trace if s.step == "followup")
    assert "intervention_events" not in followup.changed
