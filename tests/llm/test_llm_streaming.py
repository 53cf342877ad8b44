"""Streaming against the loopback server: long answers, stalls, fallbacks, tool calls,
one-slot servers. The real `openai` SDK reads real SSE over HTTP."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from doubles import FakeOpenAIServer, Reply
from llm_testdata import ANSWER, SCHEMA

from extractor.llm.base import ChatRequest, Progress, TransientError
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy

# A longer answer: ~60 tokens of the fake server's 4-character tokens.
LONG = {**ANSWER, "model_name": "U-Net with a residual encoder and attention gates " * 4}
LONG_TOKENS = len(json.dumps(LONG)) // 4


def backend_for(server: FakeOpenAIServer, policy: RetryPolicy, **kw) -> OpenAIBackend:
    return OpenAIBackend("fake-model", base_url=server.base_url, retry=policy, **kw)


def test_an_answer_streaming_longer_than_the_timeout_succeeds_in_one_request(
    server, policy, request_
):
    # The case: a local model writing slowly for longer than the timeout. The
    # read timeout bounds the silence between tokens, not the whole answer.
    rate = 40.0  # tokens/s: the answer takes ~1.6 s, the timeout is 0.5 s
    server.script(Reply.streaming(LONG, rate=rate))
    seen: list[Progress] = []
    request = ChatRequest(
        messages=request_.messages, schema=SCHEMA, max_tokens=256, on_progress=seen.append
    )
    backend = backend_for(server, policy, timeout=0.5)
    response = backend.complete(request)

    assert response.data == LONG
    assert response.requests == 1 and len(server.requests) == 1
    assert response.streamed and backend.streaming is True
    assert response.elapsed > 1.0  # it really took longer than the timeout
    assert server.requests[0]["stream"] is True
    assert server.requests[0]["stream_options"] == {"include_usage": True}
    # Usage from the final usage chunk, the server's own figures.
    assert response.usage.completion_tokens == LONG_TOKENS
    # Progress was reported while the answer arrived, ending with every token.
    assert len(seen) >= 3 and seen[-1].tokens == LONG_TOKENS
    assert [p.tokens for p in seen] == sorted(p.tokens for p in seen)
    assert 10 < seen[-1].tokens_per_second < 2 * rate


def test_a_stalled_stream_is_retried_and_its_tokens_counted(server, policy, sleep, request_):
    server.script(Reply.stalling(ANSWER, after=5), Reply.ok(ANSWER))
    response = backend_for(server, policy, timeout=0.4).complete(request_)

    assert response.data == ANSWER and response.requests == 2 and len(server.requests) == 2
    prompt = sum(len(m["content"]) for m in request_.messages) // 4
    answer = len(json.dumps(ANSWER)) // 4
    # The stalled attempt: its prompt (counted by us: the server sent no usage) and the 5
    # tokens received; then the second attempt's own figures.
    assert response.usage.completion_tokens == 5 + answer
    assert response.usage.prompt_tokens >= 2 * prompt
    assert len(sleep.calls) == 1  # one backoff, within the policy's bounds


def test_a_stream_that_keeps_stalling_gives_up_with_the_tokens_spent(server, sleep, request_):
    policy = RetryPolicy(max_attempts=3, initial=0.01, sleep=sleep)
    server.script(*[Reply.stalling(ANSWER, after=4)] * 3)
    with pytest.raises(TransientError) as info:
        backend_for(server, policy, timeout=1.0).complete(request_)

    error = info.value
    assert error.requests == 3 and len(server.requests) == 3
    assert error.usage.completion_tokens == 12  # 4 received in each attempt, none lost
    assert error.usage.prompt_tokens > 0 and error.elapsed >= 3.0
    assert "stalled after 4 token(s)" in str(error) and "\n" not in str(error)


@pytest.mark.parametrize("mode", ["reject", "ignore"])
def test_a_server_that_does_not_stream_is_detected_once_and_logged_once(
    mode, policy, request_, caplog
):
    caplog.set_level(logging.INFO, logger="extractor.llm.openai_backend")
    with FakeOpenAIServer(streaming=mode) as server:
        backend = backend_for(server, policy)
        first = backend.complete(request_)
        second = backend.complete(request_)
        third = backend.complete(request_)
        bodies = server.requests

    assert backend.streaming is False
    assert not first.streamed and first.requests == 2  # the streamed try, then whole
    assert second.requests == third.requests == 1
    assert [bool(b.get("stream")) for b in bodies] == [True, False, False, False]
    assert first.data == second.data and set(first.data) == set(SCHEMA["properties"])
    notes = [r for r in caplog.records if "does not stream" in r.getMessage()]
    assert len(notes) == 1 and notes[0].levelno == logging.WARNING


def test_streaming_is_logged_once(server, policy, request_, caplog):
    caplog.set_level(logging.INFO, logger="extractor.llm.openai_backend")
    backend = backend_for(server, policy)
    for _ in range(3):
        assert backend.complete(request_).streamed
    assert sum("streaming answers" in r.getMessage() for r in caplog.records) == 1


def test_tool_call_arguments_are_assembled_from_the_stream(policy, request_):
    with FakeOpenAIServer(structured_modes=("tools",)) as server:
        server.script(Reply.ok(ANSWER))
        backend = backend_for(server, policy, structured_mode="tools")
        response = backend.complete(request_)
        body = server.requests[0]

    assert response.structured_mode == "tools" and response.streamed
    assert response.data == ANSWER  # arrived as ~10 argument deltas, joined in order
    assert body["stream"] is True and body["tools"][0]["function"]["name"] == "study_record"


def test_tool_call_fallback_detected_while_streaming(policy, request_):
    with FakeOpenAIServer(structured_modes=("tools",)) as server:
        backend = backend_for(server, policy)
        response = backend.complete(request_)
    assert response.structured_mode == "tools" and response.streamed
    assert set(response.data) == set(SCHEMA["properties"]) and response.requests == 3


def test_a_truncated_stream_keeps_its_tokens(server, policy, request_):
    from extractor.llm.base import TruncatedError

    server.script(Reply.truncated(LONG))
    with pytest.raises(TruncatedError) as info:
        backend_for(server, policy).complete(request_)
    assert info.value.usage.completion_tokens == len(json.dumps(LONG)) // 8
    assert info.value.usage.prompt_tokens > 0 and info.value.requests == 1


def test_a_timeout_on_a_one_slot_server_retries_only_once_the_slot_is_free(policy, request_):
    # The pile-up: each retry re-sent the prompt while the server still worked
    # on the previous one. Here the first answer is slower than the timeout; the client
    # leaves, the server cancels, and the retry goes in only when /slots says idle.
    with FakeOpenAIServer(slots=1) as server:
        server.script(Reply.slow(3.0, ANSWER), Reply.ok(ANSWER))
        response = backend_for(server, policy, timeout=0.5).complete(request_)
        assert response.data == ANSWER and response.requests == 2
        assert server.max_processing == 1 and server.cancelled == 1
        assert response.usage.prompt_tokens > 0  # the timed-out attempt's prompt counts


def test_requests_never_outnumber_the_slots_of_a_loopback_server(policy, request_):
    with FakeOpenAIServer(slots=1) as server:
        server.script(*[Reply.streaming(ANSWER, rate=50.0)] * 4)
        backend = backend_for(server, policy, timeout=0.5)
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(backend.complete(request_)))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Queued in our process, not on the server: no request waited out its read
        # timeout in the server's queue, and none was sent twice.
        assert len(results) == 4 and all(r.requests == 1 for r in results)
        assert server.max_in_flight == 1 and len(server.requests) == 4


def test_a_server_without_slots_is_serialised_after_a_timeout(policy, request_, caplog):
    caplog.set_level(logging.WARNING, logger="extractor.llm.loopback")
    with FakeOpenAIServer() as server:  # no /slots: the backend cannot see its queue
        server.script(Reply.slow(2.0, ANSWER), Reply.ok(ANSWER))
        backend = backend_for(server, policy, timeout=0.4)
        assert backend.complete(request_).requests == 2
        assert backend._gate is not None and backend._gate.limit == 1
    assert "one request at a time" in caplog.text


def test_secrets_stay_out_of_stall_errors_and_slot_logs(policy, request_, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "sk-live-SECRET-abcdef0123456789"
    with FakeOpenAIServer() as server:
        port = server.base_url.split(":")[2].split("/")[0]
        url = f"http://user:{secret}@127.0.0.1:{port}/v1"
        backend = OpenAIBackend(
            "fake-model", base_url=url, api_key=secret, retry=policy, timeout=0.4
        )
        server.script(*[Reply.stalling(ANSWER, after=2)] * 4)
        with pytest.raises(TransientError) as info:
            backend.complete(request_)
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert "one request at a time" in caplog.text and secret not in caplog.text
    assert secret not in repr(backend) and secret not in backend.base_url


def test_window_of_a_loopback_llama_cpp_server_is_read_from_props(policy):
    with FakeOpenAIServer(slots=1, context_limit=3000) as server:
        assert backend_for(server, policy).context_window == 3000
        assert backend_for(server, policy, context_window=1024).context_window == 1024
    with FakeOpenAIServer() as plain:  # no /props: unknown, never guessed
        assert backend_for(plain, policy).context_window is None
