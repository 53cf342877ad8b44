"""The real `openai` client end to end against the loopback server, with injected faults."""

from __future__ import annotations

import functools
import json
import logging
import threading

import pytest
from doubles import FakeOpenAIServer, Reply, schema_responder
from llm_testdata import ANSWER, SCHEMA

from extractor.llm.base import (
    LLMError,
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy
from schemas.errors import LitextractError


def backend_for(server: FakeOpenAIServer, policy: RetryPolicy, **kw) -> OpenAIBackend:
    return OpenAIBackend("fake-model", base_url=server.base_url, retry=policy, **kw)


def test_success_sends_strict_json_schema_and_reports_usage(server, policy, request_):
    server.script(Reply.ok(ANSWER))
    response = backend_for(server, policy).complete(request_)

    assert response.data == ANSWER
    assert response.structured_mode == "json_schema"
    assert response.requests == 1 and not response.cached
    body = server.requests[0]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "study_record", "strict": True, "schema": SCHEMA},
    }
    assert body["max_tokens"] == 256 and body["temperature"] == 0.0
    prompt_chars = sum(len(m["content"]) for m in request_.messages)
    assert response.usage.prompt_tokens == prompt_chars // 4
    assert response.usage.completion_tokens == len(json.dumps(ANSWER)) // 4


def test_429_honours_retry_after_then_succeeds(server, policy, sleep, request_):
    server.script(Reply.rate_limited(7), Reply.ok(ANSWER))
    response = backend_for(server, policy).complete(request_)

    assert response.data == ANSWER
    assert sleep.calls == [7.0]
    assert response.requests == 2 and len(server.requests) == 2


def test_retry_after_ms_header_and_cap(server, sleep, request_):
    policy = RetryPolicy(max_attempts=4, initial=0.5, max_wait=5.0, sleep=sleep)
    server.script(Reply.rate_limited(0.25, in_ms=True), Reply.rate_limited(600), Reply.ok(ANSWER))
    response = backend_for(server, policy).complete(request_)

    assert sleep.calls == [0.25, 5.0]  # 600 s asked, capped at max_wait
    assert response.requests == 3


def test_500_then_success_uses_exponential_backoff(server, policy, sleep, request_):
    server.script(Reply.server_error(500), Reply.server_error(503), Reply.ok(ANSWER))
    response = backend_for(server, policy).complete(request_)

    assert response.data == ANSWER and response.requests == 3
    first, second = sleep.calls
    assert 0.5 <= first <= 1.0  # initial + jitter
    assert 1.0 <= second <= 1.5  # doubled + jitter


def test_slow_answer_past_timeout_is_retried(server, policy, request_):
    server.script(Reply.slow(3.0, ANSWER), Reply.ok(ANSWER))
    response = backend_for(server, policy, timeout=0.3).complete(request_)

    assert response.data == ANSWER
    assert response.requests == 2 and len(server.requests) == 2


def test_retries_exhausted_raise_transient_error_with_exact_count(server, sleep, request_):
    policy = RetryPolicy(max_attempts=3, initial=0.1, max_wait=1.0, sleep=sleep)
    server.script(*[Reply.server_error()] * 3, Reply.ok(ANSWER))

    with pytest.raises(TransientError) as info:
        backend_for(server, policy).complete(request_)

    assert len(server.requests) == 3 and info.value.requests == 3
    assert "3 attempt" in str(info.value) and "InternalServerError 500" in str(info.value)
    assert len(sleep.calls) == 2
    assert server.pending == 1  # the ok reply was never reached


def test_total_wait_cap_gives_up_early(server, sleep, request_):
    policy = RetryPolicy(max_attempts=10, max_wait=60, max_total_wait=15, sleep=sleep)
    server.script(*[Reply.rate_limited(10)] * 5)

    with pytest.raises(TransientError) as info:
        backend_for(server, policy).complete(request_)

    assert sleep.calls == [10.0]  # a second 10 s wait would pass the 15 s budget
    assert info.value.requests == 2 and "RateLimitError 429" in str(info.value)


def test_truncated_answer_is_not_retried(server, policy, sleep, request_):
    server.script(Reply.truncated(ANSWER), Reply.ok(ANSWER))

    with pytest.raises(TruncatedError) as info:
        backend_for(server, policy).complete(request_)

    assert len(server.requests) == 1 and info.value.requests == 1
    assert sleep.calls == []
    assert "256-token limit" in str(info.value)


def test_malformed_json_is_no_structured_output(server, policy, request_):
    server.script(Reply.malformed('{"model_name": "U-Net", "dice": '))

    with pytest.raises(NoStructuredOutputError) as info:
        backend_for(server, policy).complete(request_)

    assert "not valid JSON" in str(info.value)
    assert '{"model_name": "U-Net"' in str(info.value)  # shows an excerpt
    assert len(server.requests) == 1


@pytest.mark.parametrize("content", ["", "   ", "[1, 2]"])
def test_empty_or_non_object_answer_is_no_structured_output(server, policy, request_, content):
    server.script(Reply(content=content))
    with pytest.raises(NoStructuredOutputError):
        backend_for(server, policy).complete(request_)


def test_json_in_markdown_fence_is_accepted(server, policy, request_):
    server.script(Reply(content="```json\n" + json.dumps(ANSWER) + "\n```"))
    assert backend_for(server, policy).complete(request_).data == ANSWER


def test_refusal_keeps_the_refusal_text(server, policy, request_):
    server.script(Reply.refused("I cannot help with that."))

    with pytest.raises(RefusalError, match="I cannot help with that"):
        backend_for(server, policy).complete(request_)
    assert len(server.requests) == 1


def test_other_400_is_an_error_not_a_fallback_or_retry(server, policy, request_):
    server.script(Reply(status=400, error="messages[1].content must be a string"))

    with pytest.raises(LLMError, match="must be a string") as info:
        backend_for(server, policy).complete(request_)

    assert type(info.value) is LLMError and info.value.requests == 1
    assert len(server.requests) == 1


def test_json_schema_rejected_falls_back_to_json_object_once(policy, request_, caplog):
    caplog.set_level(logging.WARNING, logger="extractor.llm.openai_backend")
    with FakeOpenAIServer(structured_modes=("json_object",)) as server:
        backend = backend_for(server, policy)
        first = backend.complete(request_)
        second = backend.complete(request_)
        bodies = server.requests

    kinds = [body["response_format"]["type"] for body in bodies]
    assert kinds == ["json_schema", "json_object", "json_object"]
    assert first.structured_mode == second.structured_mode == "json_object"
    assert first.requests == 2 and second.requests == 1
    assert set(first.data) == set(SCHEMA["properties"])
    # JSON mode has no schema parameter: the schema rides in the system message.
    system = bodies[2]["messages"][0]
    assert system["role"] == "system" and json.dumps(SCHEMA) in system["content"]
    assert system["content"].startswith("Extract the study data.")
    fallbacks = [r for r in caplog.records if "rejected json_schema" in r.getMessage()]
    assert len(fallbacks) == 1 and fallbacks[0].levelno == logging.WARNING


def test_falls_back_to_tool_calling(policy, request_):
    with FakeOpenAIServer(structured_modes=("tools",)) as server:
        backend = backend_for(server, policy)
        response = backend.complete(request_)
        backend.complete(request_)
        bodies = server.requests

    assert response.structured_mode == "tools" and response.requests == 3
    assert set(response.data) == set(SCHEMA["properties"])
    assert "tools" in bodies[3] and "response_format" not in bodies[3]
    assert bodies[3]["tool_choice"]["function"]["name"] == "study_record"
    assert len(bodies) == 4


def test_server_without_any_structured_mode_is_a_clear_error(policy, request_):
    with FakeOpenAIServer(structured_modes=()) as server:
        with pytest.raises(LLMError, match="accepts none of the structured-output modes"):
            backend_for(server, policy).complete(request_)
        assert len(server.requests) == 3


def test_concurrent_first_calls_detect_the_mode_once(policy, request_):
    slow = functools.partial(schema_responder, delay=0.4)
    with FakeOpenAIServer(slow, structured_modes=("json_object",)) as server:
        backend = backend_for(server, policy)
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(backend.complete(request_)))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        kinds = [body["response_format"]["type"] for body in server.requests]

    assert len(results) == 6
    assert kinds.count("json_schema") == 1 and kinds.count("json_object") == 6
    # Threads that waited for detection then ran side by side, not one by one.
    assert server.max_in_flight >= 3


def test_forced_mode_skips_detection(policy, request_):
    with FakeOpenAIServer(structured_modes=("json_object",)) as server:
        backend_for(server, policy, structured_mode="json_object").complete(request_)
        assert [b["response_format"]["type"] for b in server.requests] == ["json_object"]


def test_api_key_never_in_logs_or_errors(server, policy, request_, caplog):
    secret = "sk-test-SECRET-0123456789abcdef"
    caplog.set_level(logging.DEBUG)  # every logger, including the SDK's and httpx's
    errors = []
    with FakeOpenAIServer(structured_modes=("json_object",)) as fallback_server:
        backend = OpenAIBackend("fake-model", base_url=fallback_server.base_url, api_key=secret)
        backend.retry = policy
        fallback_server.script(
            Reply(status=401, error=f"Incorrect API key provided: {secret}"),  # a server echoing it
        )
        try:
            backend.complete(request_)
        except LLMError as exc:
            errors.append(exc)
        fallback_server.script(*[Reply.server_error()] * 4)
        try:
            backend.complete(request_)
        except LLMError as exc:
            errors.append(exc)
        backend.complete(request_)
        headers = fallback_server.request_headers

    assert headers[0]["authorization"] == f"Bearer {secret}"  # the key was really used
    assert [type(e) for e in errors] == [LLMError, TransientError]
    assert "Incorrect API key provided: ***" in str(errors[0])
    for exc in errors:
        assert secret not in str(exc) and secret not in repr(exc)
        assert exc.__cause__ is None
    assert "rejected json_schema" in caplog.text  # the fallback was logged ...
    assert secret not in caplog.text  # ... without the key
    assert secret not in repr(backend)


def test_environment_variables_configure_the_client(server, policy, request_, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    backend = OpenAIBackend("fake-model", retry=policy)
    assert backend.complete(request_).data
    assert server.request_headers[0]["authorization"] == "Bearer sk-from-env"


def test_local_server_needs_no_key(server, policy, request_, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    backend = OpenAIBackend("fake-model", base_url=server.base_url, retry=policy)
    assert backend.complete(request_).data
    assert server.request_headers[0]["authorization"] == "Bearer not-needed"


def test_no_key_and_no_server_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LitextractError, match="OPENAI_API_KEY"):
        OpenAIBackend("gpt-4o-mini")


def test_official_api_gets_max_completion_tokens(request_, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    backend = OpenAIBackend("gpt-4o-mini", api_key="sk-x")
    kwargs = backend._request_kwargs(request_, "json_schema")
    assert kwargs["max_completion_tokens"] == 256 and "max_tokens" not in kwargs


def test_credentials_in_base_url_are_not_shown(server, policy):
    port = server.base_url.split(":")[2].split("/")[0]
    backend = OpenAIBackend("m", base_url=f"http://user:pw@127.0.0.1:{port}/v1", retry=policy)
    assert "pw" not in backend.base_url and "pw" not in repr(backend)
