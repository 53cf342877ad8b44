"""The one retry policy for every HTTP backend: transient failures only, bounded.

Retried: 429 (waiting what `Retry-After` / `retry-after-ms` asks, capped), 408, 5xx,
timeouts and connection errors. Everything else (bad request, auth, truncation,
refusal) fails at once: repeating it unchanged cannot help.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from extractor.llm.base import TransientError
from extractor.llm.overflow import context_overflow

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying. Tests inject `sleep` and tiny waits."""

    max_attempts: int = 6
    initial: float = 1.0  # first backoff wait, doubled each attempt
    max_wait: float = 60.0  # cap on any single wait, Retry-After included
    max_total_wait: float = 300.0  # give up rather than sleep longer than this in total
    jitter: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    # Asked before each retry: False stops at once (e.g. the local engine process is gone).
    should_retry: Callable[[], bool] = field(default=lambda: True, compare=False)

    def call(self, fn: Callable[[], T], *, on_attempt: Callable[[], None] | None = None) -> T:
        """Run `fn`, retrying transient failures; raise `TransientError` when giving up."""

        def attempt() -> T:
            if on_attempt is not None:
                on_attempt()
            return fn()

        retrying = Retrying(
            retry=retry_if_exception(lambda exc: is_transient(exc) and self.should_retry()),
            wait=self._wait,
            stop=stop_after_attempt(self.max_attempts) | self._total_wait_exceeded,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except Exception as exc:
            if not is_transient(exc):
                raise
            attempts = retrying.statistics.get("attempt_number", self.max_attempts)
            raise TransientError(
                f"gave up after {attempts} attempt(s): {describe(exc)}", requests=attempts
            ) from exc

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc) if exc is not None else None
        if asked is not None:
            return min(asked, self.max_wait)
        # Exponential backoff with full-range jitter, as in tenacity's wait_exponential_jitter
        # (whose parameters changed between versions).
        backoff = self.initial * 2 ** (state.attempt_number - 1)
        return min(self.max_wait, backoff + random.uniform(0, self.jitter))

    def _total_wait_exceeded(self, state: RetryCallState) -> bool:
        return state.idle_for + state.upcoming_sleep > self.max_total_wait


def is_transient(exc: BaseException) -> bool:
    """Worth asking again unchanged? Covers the engines the project ships: the openai SDK
    (and so the embedded llama.cpp server behind it), LangChain's wrapped errors, and
    raw httpx / socket failures met while reading a stream. A context overflow never is,
    whatever status it came with (older llama.cpp servers answer it with a 500)."""
    import openai  # lazily: importing the SDK costs ~0.5 s and not every caller needs it

    if context_overflow(exc) is not None:
        return False
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
    retryable = getattr(exc, "is_retryable", None)  # LangChain's provider-neutral ModelError
    if retryable is not None:
        return retryable is True
    if isinstance(exc, _transport_errors()):
        return True
    return isinstance(exc, TimeoutError | ConnectionError)


@functools.cache
def _transport_errors() -> tuple[type[BaseException], ...]:
    """httpx's timeout/network/protocol errors, and those of httpx2 (which recent openai
    SDKs use) when installed."""
    import importlib

    found: list[type[BaseException]] = []
    for module_name in ("httpx", "httpx2"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in ("TimeoutException", "NetworkError", "RemoteProtocolError"):
            if isinstance(cls := getattr(module, name, None), type):
                found.append(cls)
    return tuple(found)


def retry_after_seconds(exc: BaseException) -> float | None:
    """What the server asked us to wait, from `retry-after-ms` or `Retry-After` (secs or date)."""
    response: Any = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(ms) / 1000)
        if (value := headers.get("retry-after")) is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def describe(exc: BaseException) -> str:
    """A short cause for messages: class, HTTP status, first line of the text."""
    status = getattr(exc, "status_code", None)
    text = str(exc).splitlines()[0] if str(exc) else ""
    label = f"{type(exc).__name__} {status}" if status else type(exc).__name__
    return f"{label}: {text[:200]}" if text else label
