"""Context planning: whole paper when it fits, otherwise the relevant blocks within budget."""

from __future__ import annotations

from extract_helpers import make_document

from extractor.extract import Extractor
from extractor.key import AgentSettings, ExtractionSettings
from extractor.plan import Context, estimate_tokens, plan_context
from extractor.targets import Target
from schemas.registry import load_form

RCT = load_form("rct_outcomes")
FM = load_form("fm_imaging")


def _long_trial():
    padding = " ".join(
        f"Background sentence number {i} on the history of the field." for i in range(400)
    )
    return make_document(
        [
            "A trial of exercise for knee pain\n\n"
            "Abstract\nWe randomised 80 adults to exercise or usual care.",
            f"Introduction\n{padding}",
            "Methods\nAdults with knee osteoarthritis; 40 per group were analysed.",
            f"Discussion\n{padding}",
            "Results\nPain score at 12 weeks was 3.1 (SD 1.2) with exercise"
            " and 4.5 (SD 1.4) with usual care.",
            f"References\n{padding}",
        ]
    )


def test_whole_paper_when_it_fits() -> None:
    doc = make_document(["Abstract\nShort paper.", "Results\n12 of 60."])
    ctx = plan_context(doc, RCT.fields, None, max_tokens=24_000)
    assert ctx.whole and ctx.text == doc.text


def test_over_budget_keeps_relevant_sections_within_budget() -> None:
    doc = _long_trial()
    assert estimate_tokens(doc.text) > 6000
    target = Target(
        paper_id="PMC1",
        target_id="1",
        intervention="exercise",
        comparator="usual care",
        outcome="pain score",
    )
    ctx = plan_context(doc, RCT.fields, target, max_tokens=2000)
    assert not ctx.whole
    assert ctx.tokens <= 2000
    assert "Pain score at 12 weeks was 3.1 (SD 1.2)" in ctx.text
    assert "40 per group were analysed" in ctx.text
    assert "We randomised 80 adults" in ctx.text
    # Spans are in reading order and point into Document.text.
    assert [s for s, _ in ctx.spans] == sorted(s for s, _ in ctx.spans)
    for start, end in ctx.spans:
        assert doc.text[start:end] in ctx.text


def test_budget_is_respected_at_every_size() -> None:
    doc = _long_trial()
    for budget in (1000, 1500, 3000, 5000):
        ctx = plan_context(doc, FM.groups["evaluation"], None, max_tokens=budget)
        assert ctx.tokens <= budget
        assert ctx.text.strip()


def test_references_come_last() -> None:
    doc = _long_trial()
    ctx = plan_context(doc, RCT.fields, None, max_tokens=3000)
    refs = next(s for s in doc.sections if s.heading == "References")
    assert not any(start >= refs.char_start for start, _ in ctx.spans)


def test_small_context_window_shrinks_the_budget() -> None:
    class SmallWindow:  # like the local llama.cpp backend: a fixed n_ctx
        name, model, context_window = "local", "tiny.gguf", 8192

        def complete(self, request):  # pragma: no cover - never called here
            raise AssertionError

    extractor = Extractor(
        RCT, SmallWindow(), settings=ExtractionSettings(max_context_tokens=24_000)
    )
    assert extractor.max_tokens == 2048
    group = extractor._groups[0]
    budget = extractor._budget(group, None)
    around = extractor._messages(group.name, group.specs, Context("", (), True), None)
    prompt = extractor.count("\n".join(m["content"] for m in around))
    # The window holds the paper's budget, the prompt around it and the answer's room.
    assert budget + prompt + extractor.max_tokens <= 8192 < budget + prompt + 2048 + 100


def test_a_paper_that_overflows_the_window_is_planned_again(tmp_path) -> None:
    # The server refuses prompts over 1,500 tokens with OpenAI's context_length_exceeded
    # body, and declares no window: the first request overflows, the second fits.
    from doubles.openai_server import FakeOpenAIServer, Reply
    from doubles.trials import synthetic_trial

    from extractor.llm.openai_backend import OpenAIBackend
    from extractor.record_maker import RecordMaker

    trial = synthetic_trial(3)
    with FakeOpenAIServer(context_limit=1500) as server:
        server.responder = lambda body: Reply.ok(_not_reported(body))
        backend = OpenAIBackend(
            "fake-model", base_url=server.base_url, api_key="k", structured_mode="json_schema"
        )
        settings = ExtractionSettings(
            max_context_tokens=3000, agent=AgentSettings(single_pass=True)
        )
        line = RecordMaker(RCT, backend, settings=settings).make_record(
            trial.document, trial.targets[0]
        )
    # Nothing is reported, so the printed form's group may apply and is asked too: each
    # of the two groups overflows once, is planned again, and fits.
    assert len(server.requests) == 4
    replans = [s for s in line.provenance.trace if s.step == "replan"]
    assert [set(s.fields) for s in replans] == [
        {spec.name for spec in RCT.groups[name]} for name in ("outcome", "printed")
    ]
    for replan in replans:
        assert "context window exceeded" in replan.note and replan.requests == 1
    assert line.provenance.requests == 4  # each refused attempt counts, once


def _not_reported(body: dict) -> dict:
    props = body["response_format"]["json_schema"]["schema"]["properties"]
    return {name: {"value": None, "status": "not_reported", "evidence": []} for name in props}
