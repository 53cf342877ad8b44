"""RetryPolicy on its own: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest

from extractor.llm.base import TransientError
from extractor.llm.retry import RetryPolicy, is_transient, retry_after_seconds


def failing(*errors: BaseException, result: str = "done"):
    calls = []

    def fn() -> str:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return fn, calls


def test_transient_errors_are_retried_until_success(sleep):
    fn, calls = failing(TimeoutError("slow"), ConnectionError("reset"))
    policy = RetryPolicy(max_attempts=3, initial=0.2, jitter=0.0, sleep=sleep)
    assert policy.call(fn) == "done"
    assert len(calls) == 3 and sleep.calls == [0.2, 0.4]


def test_permanent_errors_fail_at_once(sleep):
    fn, calls = failing(ValueError("bad request"))
    with pytest.raises(ValueError):
        RetryPolicy(sleep=sleep).call(fn)
    assert len(calls) == 1 and sleep.calls == []


def test_giving_up_names_the_cause_and_counts(sleep):
    fn, calls = failing(*[TimeoutError("read timed out")] * 5)
    with pytest.raises(TransientError, match=r"gave up after 2 attempt.*TimeoutError: read timed"):
        RetryPolicy(max_attempts=2, initial=0.01, sleep=sleep).call(fn)
    assert len(calls) == 2


def test_backoff_is_capped_by_max_wait(sleep):
    fn, _ = failing(*[TimeoutError()] * 4)
    policy = RetryPolicy(max_attempts=5, initial=1.0, max_wait=3.0, jitter=0.0, sleep=sleep)
    policy.call(fn)
    assert sleep.calls == [1.0, 2.0, 3.0, 3.0]


def test_langchain_style_retryable_flag_is_honoured():
    retryable = type("ModelRateLimitError", (Exception,), {"is_retryable": True})
    fatal = type("ModelAuthenticationError", (Exception,), {"is_retryable": False})
    assert is_transient(retryable()) and not is_transient(fatal())


def response_error(**headers: str) -> Exception:
    exc = Exception("429")
    exc.response = SimpleNamespace(headers=headers)  # type: ignore[attr-defined]
    return exc


def test_retry_after_header_forms():
    assert retry_after_seconds(response_error(**{"retry-after": "12"})) == 12.0
    assert retry_after_seconds(response_error(**{"retry-after-ms": "1500"})) == 1.5
    date = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(response_error(**{"retry-after": date})) <= 31
    assert retry_after_seconds(response_error(**{"retry-after": "soon"})) is None
    assert retry_after_seconds(Exception("no response")) is None


def _status(cls, status: int, message: str):
    import httpx

    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    return cls(message, response=httpx.Response(status, request=request), body=None)


def test_classification_covers_the_engines_shipped():
    import httpx
    import openai
    from langchain_openai.chat_models import base as lc

    # The openai SDK (also in front of the embedded llama.cpp server).
    assert is_transient(_status(openai.InternalServerError, 503, "Loading model"))
    assert is_transient(openai.APITimeoutError(request=httpx.Request("POST", "http://x")))
    assert not is_transient(_status(openai.BadRequestError, 400, "invalid schema"))
    # LangChain's wrapped errors: SDK subclasses and provider-neutral flags agree.
    assert is_transient(_status(lc.OpenAIRateLimitError, 429, "slow down"))
    assert not is_transient(_status(lc.OpenAIAuthenticationError, 401, "bad key"))
    overflow = _status(lc.OpenAIContextOverflowError, 400, "context_length_exceeded")
    assert not is_transient(overflow)
    # Raw transport failures met while reading a stream.
    assert is_transient(httpx.ReadTimeout("timed out"))
    assert is_transient(httpx.RemoteProtocolError("peer closed connection"))
    httpx2 = pytest.importorskip("httpx2")  # the openai SDK's own HTTP client
    assert is_transient(httpx2.ReadTimeout("timed out"))
