"""One small protocol that every chat engine implements.

The extraction pipeline only ever calls `ChatBackend.complete` with a
`ChatRequest` (messages + the strict JSON Schema the answer must follow) and
gets a `ChatResponse` with the parsed JSON, or one of the errors below.
Retries, fallbacks between structured-output modes and caching live behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from schemas.errors import LitextractError
from schemas.record import TokenUsage


@dataclass(frozen=True)
class Progress:
    """How a long call is going, reported while the answer streams in.

    `tokens` counts answer tokens received so far in this attempt (one per streamed
    chunk, as servers send them); `attempt` is 1 for the first HTTP request of the call.
    """

    tokens: int
    elapsed: float  # seconds since this attempt was sent
    attempt: int = 1

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.elapsed if self.elapsed > 0 else 0.0


ProgressHook = Callable[[Progress], None]


@dataclass(frozen=True)
class ChatRequest:
    """`on_progress`, when set, is called from the calling thread as answer tokens
    arrive (streaming servers only), at most a few times a second; it must be quick."""

    messages: list[dict[str, str]]
    schema: dict[str, Any]
    schema_name: str = "study_record"
    max_tokens: int = 4096
    temperature: float = 0.0
    on_progress: ProgressHook | None = field(default=None, compare=False, repr=False)


@dataclass
class ChatResponse:
    """`usage` covers every attempt of the call, failed ones included; `elapsed` is the
    call's wall time in seconds, retries and waits included."""

    data: dict[str, Any]
    raw: str
    model: str
    structured_mode: str
    usage: TokenUsage = field(default_factory=TokenUsage)
    finish_reason: str = "stop"
    requests: int = 1
    cached: bool = False
    elapsed: float = 0.0
    streamed: bool = False


@runtime_checkable
class ChatBackend(Protocol):
    """`context_window` is the engine's declared window in tokens, None when unknown
    (remote APIs); the planner budgets from it and never guesses one.

    `count_tokens` counts a text's tokens with the engine's own tokenizer where one is
    available offline, else with the calibrated estimate of `extractor.llm.tokens`,
    which errs on the high side; the planner uses it to fit a prompt in the window."""

    name: str
    model: str
    context_window: int | None

    def complete(self, request: ChatRequest) -> ChatResponse: ...

    def count_tokens(self, text: str) -> int: ...


class LLMError(LitextractError):
    """The model could not produce a usable structured answer.

    `requests` counts the HTTP attempts spent before failing (0 when unknown) and
    `usage` the tokens they consumed (the server's figures where it gave them, else
    counted: a timed-out or stalled attempt's prompt and the answer tokens received),
    so a failed paper still reports what it cost; `elapsed` is the seconds spent.
    """

    def __init__(
        self,
        message: str = "",
        *,
        requests: int = 0,
        usage: TokenUsage | None = None,
        elapsed: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.requests = requests
        self.usage = usage or TokenUsage()
        self.elapsed = elapsed

    def rebuilt(
        self, message: str, *, requests: int, usage: TokenUsage, elapsed: float
    ) -> LLMError:
        """The same error with the call's totals (subclasses add their own fields)."""
        return type(self)(message, requests=requests, usage=usage, elapsed=elapsed)


class RefusalError(LLMError):
    """The model refused; the refusal text is kept for the record."""


class TruncatedError(LLMError):
    """finish_reason == 'length': retrying the same request would be truncated again."""


class NoStructuredOutputError(LLMError):
    """The answer was empty, not JSON, or did not match the schema."""


class TransientError(LLMError):
    """Rate limit, timeout, stalled stream, 5xx or connection failure after all retries."""


class EngineError(LLMError):
    """The embedded engine cannot run on this machine (it crashed or would not start)."""


class ContextOverflowError(LLMError):
    """The prompt (plus the room asked for the answer) does not fit the model's window.

    Never retried as is: the caller must send less text. `window` and `requested` are
    the engine's figures in tokens when its message gave them (None otherwise), so a
    re-plan can cut the budget by `overflow` plus a margin.
    """

    def __init__(
        self,
        message: str = "",
        *,
        window: int | None = None,
        requested: int | None = None,
        requests: int = 0,
        usage: TokenUsage | None = None,
        elapsed: float = 0.0,
    ) -> None:
        super().__init__(message, requests=requests, usage=usage, elapsed=elapsed)
        self.window = window
        self.requested = requested

    @property
    def overflow(self) -> int | None:
        """Tokens over the window, when both figures are known."""
        if self.window is None or self.requested is None:
            return None
        return max(0, self.requested - self.window)

    def rebuilt(
        self, message: str, *, requests: int, usage: TokenUsage, elapsed: float
    ) -> ContextOverflowError:
        return ContextOverflowError(
            message,
            window=self.window,
            requested=self.requested,
            requests=requests,
            usage=usage,
            elapsed=elapsed,
        )
