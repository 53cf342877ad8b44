"""Pick and build a backend from CLI-style options, and estimate what a run costs."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from extractor.llm.base import ChatBackend
from schemas.record import TokenUsage

BACKENDS = ("openai", "langchain", "local")
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "langchain": "openai:gpt-4o-mini", "local": None}

# USD per million tokens (input, output), OpenAI list prices for standard requests.
# A guide for budgeting only; None for models not listed (local models cost nothing here).
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}


DATED_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


def resolve_backend_name(backend: str | None, base_url: str | None = None) -> str:
    """None means auto: a configured OpenAI(-compatible) server if any, else offline local."""
    if backend is not None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        return backend
    if base_url or os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"):
        return "openai"
    return "local"


def backend_identity(
    backend: str | None, model: str | None, base_url: str | None = None
) -> tuple[str, str]:
    """(name, model) that `make_backend` would give, without building anything (no key,
    no engine): what `status` needs to compute extraction keys."""
    name = resolve_backend_name(backend, base_url)
    if name == "local":
        from extractor.llm.local_backend import DEFAULT_GGUF

        return name, Path(model or DEFAULT_GGUF).stem
    model = model or DEFAULT_MODELS[name]
    assert model is not None
    if name == "langchain":
        spec = model if ":" in model else f"openai:{model}"
        return name, spec.partition(":")[2] or spec
    return name, model


def make_backend(
    backend: str | None,
    model: str | None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 120.0,
    n_ctx: int | None = None,
    threads: int | None = None,
    **kw: Any,
) -> ChatBackend:
    """Build a backend. `model` is a model name (openai), a `provider:model` spec
    (langchain) or a GGUF path (local); None picks the default for the backend.
    `n_ctx` is the local engine's window (or a server's known window); `threads` the
    local engine's CPU threads. Extra keywords go to the backend class (e.g. `retry=`)."""
    name = resolve_backend_name(backend, base_url)
    model = model or DEFAULT_MODELS[name]
    if name == "openai":
        from extractor.llm.openai_backend import OpenAIBackend

        assert model is not None
        return OpenAIBackend(
            model, base_url=base_url, api_key=api_key, timeout=timeout, context_window=n_ctx, **kw
        )
    if name == "langchain":
        from extractor.llm.langchain_backend import langchain_from_spec

        assert model is not None
        spec = model if ":" in model else f"openai:{model}"
        return langchain_from_spec(spec, base_url=base_url, api_key=api_key, timeout=timeout, **kw)
    from extractor.llm.local_backend import DEFAULT_N_CTX, DEFAULT_THREADS, LocalBackend

    return LocalBackend(
        Path(model) if model else None,
        n_ctx=n_ctx or DEFAULT_N_CTX,
        n_threads=threads or DEFAULT_THREADS,
        **kw,
    )


def estimate_cost(model: str, usage: TokenUsage) -> float | None:
    """Estimated USD for `usage` on `model`, None when the price is unknown.

    Dated snapshots ("gpt-4o-mini-2024-07-18") and "provider:" prefixes are matched
    to their base model.
    """
    base = DATED_SNAPSHOT.sub("", model.rpartition(":")[2].lower())
    if base not in PRICES_PER_MTOK:
        return None
    price_in, price_out = PRICES_PER_MTOK[base]
    return (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000
