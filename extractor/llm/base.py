"""One small protocol that every chat engine implements.

The extraction pipeline only ever calls `ChatBackend.complete` with a
`ChatRequest` (messages + the strict JSON Schema the answer must follow) and
gets a `ChatResponse` with the parsed JSON, or one of the errors below.
Retries, fallbacks between structured-output modes and caching live behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from schemas.record import TokenUsage


@dataclass(frozen=True)
class ChatRequest:
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    schema_name: str = "study_record"
    max_tokens: int = 4096
    temperature: float = 0.0


@dataclass
class ChatResponse:
    data: dict[str, Any]
    raw: str
    model: str
    structured_mode: str
    usage: TokenUsage = field(default_factory=TokenUsage)
    finish_reason: str = "stop"
    requests: int = 1
    cached: bool = False


@runtime_checkable
class ChatBackend(Protocol):
    """`context_window` is the engine's declared window in tokens, None when unknown
    (remote APIs); the planner budgets from it and never guesses one."""

    name: str
    model: str
    context_window: int | None

    def complete(self, request: ChatRequest) -> ChatResponse: ...


class LLMError(Exception):
    """The model could not produce a usable structured answer.

    `requests` counts the HTTP attempts spent before failing (0 when unknown) and
    `usage` the tokens they consumed where the server said, so a failed paper still
    reports what it cost (like instructor's retry error carrying the total usage).
    """

    def __init__(
        self, message: str = "", *, requests: int = 0, usage: TokenUsage | None = None
    ) -> None:
        super().__init__(message)
        self.requests = requests
        self.usage = usage or TokenUsage()


class RefusalError(LLMError):
    """The model refused; the refusal text is kept for the record."""


class TruncatedError(LLMError):
    """finish_reason == 'length': retrying the same request would be truncated again."""


class NoStructuredOutputError(LLMError):
    """The answer was empty, not JSON, or did not match the schema."""


class TransientError(LLMError):
    """Rate limit, timeout, 5xx or connection failure after all retries."""


class EngineError(LLMError):
    """The embedded engine cannot run on this machine (it crashed or would not start)."""
