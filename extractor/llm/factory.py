"""Pick and build a backend from CLI-style options: one registry table.

Each row says what a backend is called, its default model and how to build it (like
langextract's provider router). Adding a backend is one row; nothing else branches
on backend names. Engines are imported inside the builders, so importing this module
stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.llm.base import ChatBackend
from extractor.llm.endpoint import check_url_form
from extractor.llm.pricing import PRICES_PER_MTOK, cost_with_reason, estimate_cost

# The one default model name for remote use (CLI, review config, backends).
DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class BackendOptions:
    """What the CLI and the review config can set, whichever backend reads it."""

    base_url: str | None = None
    api_key: str | None = None
    timeout: float | None = None  # read timeout in seconds; None: env, else by host
    n_ctx: int | None = None
    threads: int | None = None


@dataclass(frozen=True)
class BackendSpec:
    name: str
    default_model: str | None  # None: the backend finds its own (the bundled GGUF)
    build: Callable[[str | None, BackendOptions, dict[str, Any]], ChatBackend]
    summary: str
    # One call at a time in this process: more papers at once only queue (and, in paper
    # order, llama.cpp reuses the evaluated paper prefix from one group to the next).
    serial: bool = False
    # Said after a demo run: what its answers show and do not show.
    demo_note: str = ""


def _openai(model: str | None, o: BackendOptions, kw: dict[str, Any]) -> ChatBackend:
    from extractor.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(
        model or DEFAULT_MODEL,
        base_url=o.base_url,
        api_key=o.api_key,
        timeout=o.timeout,
        context_window=o.n_ctx,
        **kw,
    )


def _langchain(model: str | None, o: BackendOptions, kw: dict[str, Any]) -> ChatBackend:
    from extractor.llm.langchain_backend import langchain_from_spec

    spec = model or f"openai:{DEFAULT_MODEL}"
    spec = spec if ":" in spec else f"openai:{spec}"
    return langchain_from_spec(
        spec, base_url=o.base_url, api_key=o.api_key, timeout=o.timeout, **kw
    )


def _local(model: str | None, o: BackendOptions, kw: dict[str, Any]) -> ChatBackend:
    from extractor.llm.local_backend import DEFAULT_N_CTX, DEFAULT_THREADS, LocalBackend

    if o.timeout is not None:
        kw = {"timeout": o.timeout, **kw}
    return LocalBackend(
        Path(model) if model else None,
        n_ctx=o.n_ctx or DEFAULT_N_CTX,
        n_threads=o.threads or DEFAULT_THREADS,
        **kw,
    )


REGISTRY: dict[str, BackendSpec] = {
    spec.name: spec
    for spec in (
        BackendSpec("openai", DEFAULT_MODEL, _openai, "any OpenAI-compatible server"),
        BackendSpec("langchain", f"openai:{DEFAULT_MODEL}", _langchain, "any LangChain model"),
        BackendSpec(
            "local",
            None,
            _local,
            "the embedded llama.cpp engine, offline",
            serial=True,
            demo_note="The embedded SmolLM2-135M model is tiny: it shows every stage working "
            "offline, not extraction quality. Set OPENAI_API_KEY or --base-url for a real model.",
        ),
    )
}
BACKENDS = tuple(REGISTRY)
DEFAULT_MODELS = {name: spec.default_model for name, spec in REGISTRY.items()}

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "DEFAULT_MODELS",
    "PRICES_PER_MTOK",
    "REGISTRY",
    "BackendOptions",
    "BackendSpec",
    "check_server",
    "cost_with_reason",
    "estimate_cost",
    "make_backend",
    "resolve_backend_name",
    "spec_of",
]


def resolve_backend_name(backend: str | None, base_url: str | None = None) -> str:
    """None means auto: a configured OpenAI(-compatible) server if any, else offline local."""
    if backend is not None:
        if backend not in REGISTRY:
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
    timeout: float | None = None,
    n_ctx: int | None = None,
    threads: int | None = None,
    **kw: Any,
) -> ChatBackend:
    """Build a backend. `model` is a model name (openai), a `provider:model` spec
    (langchain) or a GGUF path (local); None picks the default for the backend.
    `timeout` is the read timeout in seconds (None: LITEXTRACT_TIMEOUT, else generous
    for loopback/private servers and 120 s for remote APIs). `n_ctx` is the local
    engine's window (or a server's known window); `threads` the local engine's CPU
    threads. Extra keywords go to the backend class (e.g. `retry=`)."""
    spec = REGISTRY[resolve_backend_name(backend, base_url)]
    if base_url:
        check_url_form(base_url)
    options = BackendOptions(base_url, api_key, timeout, n_ctx, threads)
    return spec.build(model or spec.default_model, options, kw)


def check_server(chat: ChatBackend) -> None:
    """Ask a backend's server once, before a batch, whether it is there: a mistyped or
    unreachable server fails in seconds with one line naming it, not after every
    paper's retries. Backends without a server (the embedded engine) have no check."""
    check = getattr(chat, "check_server", None)
    if callable(check):
        check()


def spec_of(chat: ChatBackend) -> BackendSpec:
    """The registry row of a built backend: what callers ask instead of its name."""
    return REGISTRY[chat.name]
