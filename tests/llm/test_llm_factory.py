"""Backend selection, defaults and cost estimates."""

from __future__ import annotations

import pytest

from extractor.llm.factory import estimate_cost, make_backend, resolve_backend_name
from extractor.llm.langchain_backend import LangChainBackend
from extractor.llm.openai_backend import OpenAIBackend
from schemas.record import TokenUsage


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return monkeypatch


def test_auto_picks_local_offline_and_openai_when_configured(clean_env):
    assert resolve_backend_name(None) == "local"
    assert resolve_backend_name(None, base_url="http://127.0.0.1:8080/v1") == "openai"
    clean_env.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    assert resolve_backend_name(None) == "openai"
    clean_env.delenv("OPENAI_BASE_URL")
    clean_env.setenv("OPENAI_API_KEY", "sk-x")
    assert resolve_backend_name(None) == "openai"
    assert resolve_backend_name("local") == "local"


def test_unknown_backend_is_rejected():
    with pytest.raises(ValueError, match="unknown backend 'gemini'"):
        resolve_backend_name("gemini")


def test_make_backend_defaults(server, clean_env):
    openai_backend = make_backend(None, None, base_url=server.base_url)
    assert isinstance(openai_backend, OpenAIBackend) and openai_backend.model == "gpt-4o-mini"
    lc = make_backend("langchain", "fake-model", base_url=server.base_url)
    assert isinstance(lc, LangChainBackend) and lc.model == "fake-model"


def test_cost_estimates():
    usage = TokenUsage(prompt_tokens=1_000_000, completion_tokens=100_000)
    assert estimate_cost("gpt-4o-mini", usage) == pytest.approx(0.15 + 0.06)
    assert estimate_cost("gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.21)
    assert estimate_cost("openai:gpt-4o", usage) == pytest.approx(2.5 + 1.0)
    assert estimate_cost("SmolLM2-135M-Instruct.Q4_1", usage) is None
    assert estimate_cost("gpt-4o-minimal", usage) is None
