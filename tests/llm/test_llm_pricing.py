"""An unknown cost says why; the registry is one table."""

from __future__ import annotations

import pytest

from extractor.llm.factory import BACKENDS, DEFAULT_MODEL, DEFAULT_MODELS, REGISTRY, make_backend
from extractor.llm.pricing import backend_cost, cost_with_reason
from schemas.record import TokenUsage

USAGE = TokenUsage(prompt_tokens=1_000_000, completion_tokens=100_000)


def test_known_price():
    cost, reason = cost_with_reason("gpt-4o-mini", USAGE)
    assert cost == pytest.approx(0.21) and reason == ""


def test_unknown_cost_says_why():
    assert cost_with_reason("llama3.1:8b", USAGE) == (None, "no price known for model llama3.1:8b")
    assert cost_with_reason("gpt-4o-mini", USAGE, local=True) == (None, "local server: no price")


def test_backend_cost_knows_local_servers(server):
    local = make_backend("openai", "gpt-4o-mini", base_url=server.base_url)
    assert backend_cost(local, USAGE) == (None, "local server: no price")
    remote = make_backend("openai", "gpt-4o-mini", api_key="sk-x")
    assert backend_cost(remote, USAGE)[0] == pytest.approx(0.21)


def test_registry_is_the_one_table():
    assert BACKENDS == ("openai", "langchain", "local") == tuple(REGISTRY)
    assert DEFAULT_MODELS["openai"] == DEFAULT_MODEL and DEFAULT_MODELS["local"] is None
    assert all(spec.summary for spec in REGISTRY.values())


def test_review_config_and_cli_use_the_one_default_model():
    import inspect

    from extractor.cli import review_cmd
    from extractor.review.config import ReviewConfig

    assert ReviewConfig(form="f").model == DEFAULT_MODEL
    assert inspect.signature(review_cmd.init).parameters["model"].default == DEFAULT_MODEL
