"""Recognise "the prompt does not fit the window" from any engine, with its numbers.

Each engine says it differently; all of them are a `ContextOverflowError`, never a
transient failure (the same request fails the same way):

- OpenAI: 400, code `context_length_exceeded`, "This model's maximum context length is
  N tokens. However, your messages resulted in M tokens ..."; vLLM the same sentence
  with "However, you requested M tokens (P in the messages, C in the completion)".
- llama.cpp's server (xllamacpp): 400, type `exceed_context_size_error`, "request (M
  tokens) exceeds the available context size (N tokens), try increasing it", with
  `n_prompt_tokens` and `n_ctx` in the body.
- llama-cpp-python: "Requested tokens (M) exceed context window of N".
- Anthropic (e.g. through LangChain): "prompt is too long: M tokens > N maximum".
- LangChain wraps any of these, sometimes as its own `ContextOverflowError`.
"""

from __future__ import annotations

import re
from typing import Any

from extractor.llm.base import ContextOverflowError

OVERFLOW_CODES = frozenset({"context_length_exceeded", "exceed_context_size_error"})

# (pattern, group index of the window, group index of the requested tokens)
_PATTERNS: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (
        re.compile(
            r"maximum context length is (\d+) tokens.*?(?:resulted in|requested) (\d+) tokens",
            re.I | re.S,
        ),
        1,
        2,
    ),
    (
        re.compile(r"request \((\d+) tokens\) exceeds the available context size \((\d+)", re.I),
        2,
        1,
    ),
    (re.compile(r"requested tokens \((\d+)\) exceed context window of (\d+)", re.I), 2, 1),
    (re.compile(r"prompt is too long: (\d+) tokens > (\d+)", re.I), 2, 1),
)
# Overflow without numbers (older llama.cpp, LangChain's own wording, gateways).
_PHRASES = (
    "context_length_exceeded",
    "exceed_context_size",
    "exceeds the available context size",
    "exceeds the context window",
    "exceed context window",
    "maximum context length",
    "context length exceeded",
    "prompt is too long",
    "input tokens exceed the configured limit",
    "contextwindowexceedederror",
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _body_error(exc: BaseException) -> dict[str, Any]:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        return inner if isinstance(inner, dict) else {}
    return {}


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def context_overflow(exc: BaseException) -> ContextOverflowError | None:
    """A `ContextOverflowError` if `exc` (or what it wraps) is a context-length error."""
    for link in _chain(exc):
        if isinstance(link, ContextOverflowError):
            return link
        error = _body_error(link)
        text = " ".join(
            str(part) for part in (link, getattr(link, "message", ""), error.get("message", ""))
        )
        coded = error.get("code") in OVERFLOW_CODES or error.get("type") in OVERFLOW_CODES
        window, requested = _numbers(text)
        window = window or _as_int(error.get("n_ctx"))
        requested = requested or _as_int(error.get("n_prompt_tokens"))
        langchain_overflow = type(link).__name__.endswith("ContextOverflowError")
        lowered = text.lower()
        if coded or langchain_overflow or window or any(p in lowered for p in _PHRASES):
            said = error.get("message") or getattr(link, "message", None) or str(link)
            return ContextOverflowError(
                describe_overflow(window, requested, str(said)),
                window=window,
                requested=requested,
            )
    return None


def _numbers(text: str) -> tuple[int | None, int | None]:
    for pattern, window_group, requested_group in _PATTERNS:
        if match := pattern.search(text):
            return int(match.group(window_group)), int(match.group(requested_group))
    return None, None


def describe_overflow(window: int | None, requested: int | None, text: str = "") -> str:
    """One line: the numbers when known, else the engine's own first line."""
    if window is not None and requested is not None:
        return (
            f"context window exceeded: the request needs {requested:,} tokens, "
            f"the model's window is {window:,} (send less text)"
        )
    if window is not None:
        return f"context window exceeded: the model's window is {window:,} tokens (send less text)"
    first = text.strip().splitlines()[0][:200] if text.strip() else ""
    return (
        f"context window exceeded (send less text): {first}"
        if first
        else ("context window exceeded (send less text)")
    )
