"""LangChainBackend: ChatOpenAI against the loopback server, and a langchain-core fake model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from doubles import Reply
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from llm_testdata import ANSWER, SCHEMA

from extractor.llm.base import (
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.langchain_backend import LangChainBackend, langchain_from_spec
from extractor.llm.retry import RetryPolicy


@pytest.fixture
def backend(server, policy) -> LangChainBackend:
    return langchain_from_spec("openai:fake-model", base_url=server.base_url, retry=policy)


def test_chat_openai_uses_strict_json_schema(backend, server, request_):
    server.script(Reply.ok(ANSWER))
    response = backend.complete(request_)

    assert response.data == ANSWER and response.requests == 1
    assert response.structured_mode == "langchain" and response.model == "fake-model"
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["properties"] == SCHEMA["properties"]
    assert server.requests[0]["max_completion_tokens"] == request_.max_tokens
    assert response.usage.completion_tokens > 0 and response.usage.prompt_tokens > 0


def test_rate_limit_is_retried_by_our_policy_only(backend, server, sleep, request_):
    server.script(Reply.rate_limited(4), Reply.ok(ANSWER))
    response = backend.complete(request_)
    assert response.requests == 2 and len(server.requests) == 2
    assert sleep.calls == [4.0]  # the provider's own retries are off (max_retries=0)


def test_exhausted_retries(server, sleep, request_):
    policy = RetryPolicy(max_attempts=2, initial=0.01, sleep=sleep)
    backend = langchain_from_spec("openai:fake-model", base_url=server.base_url, retry=policy)
    server.script(Reply.server_error(), Reply.server_error(), Reply.ok(ANSWER))
    with pytest.raises(TransientError) as info:
        backend.complete(request_)
    assert info.value.requests == 2 and len(server.requests) == 2


def test_partial_json_is_not_accepted(backend, server, request_):
    # LangChain's JsonOutputParser would turn this into {"model_name": "U-Net"}.
    server.script(Reply.malformed('{"model_name": "U-Net", "dice": '))
    with pytest.raises(NoStructuredOutputError, match="not valid JSON"):
        backend.complete(request_)


def test_refusal_and_truncation(backend, server, request_):
    server.script(Reply.refused("Not allowed."), Reply.truncated(ANSWER))
    with pytest.raises(RefusalError, match="Not allowed"):
        backend.complete(request_)
    with pytest.raises(TruncatedError) as info:
        backend.complete(request_)
    assert info.value.requests == 1 and len(server.requests) == 2


class ToolCallingFake(GenericFakeChatModel):
    """A langchain-core fake whose answers are tool calls, as structured output expects."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:
        return self


def fake_answer(args: dict[str, Any] | None) -> AIMessage:
    calls = [] if args is None else [{"name": "study_record", "args": args, "id": "call_1"}]
    usage = {"input_tokens": 42, "output_tokens": 7, "total_tokens": 49}
    return AIMessage(content="", tool_calls=calls, usage_metadata=usage)


def test_fake_chat_model_answer_and_usage(request_):
    backend = LangChainBackend(ToolCallingFake(messages=iter([fake_answer(ANSWER)])))
    response = backend.complete(request_)
    assert response.data == ANSWER
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (42, 7)
    assert response.model == "ToolCallingFake" and response.requests == 1


def test_fake_chat_model_without_parsed_result_is_an_error(request_):
    backend = LangChainBackend(ToolCallingFake(messages=iter([fake_answer(None)])))
    with pytest.raises(NoStructuredOutputError):
        backend.complete(request_)


def test_chat_openai_streams_from_a_local_server_past_the_timeout(server, policy, request_):
    # ChatOpenAI pointed at a loopback server streams (with usage), so the read timeout
    # bounds the gap between tokens: a slow steady answer succeeds in one request.
    slow = {**ANSWER, "model_name": "U-Net with a residual encoder " * 4}
    server.script(Reply.streaming(slow, rate=40.0))
    backend = langchain_from_spec(
        "openai:fake-model", base_url=server.base_url, retry=policy, timeout=0.5
    )
    response = backend.complete(request_)
    assert response.data == slow and response.requests == 1 and response.streamed
    assert response.elapsed > 1.0 and len(server.requests) == 1
    assert server.requests[0]["stream"] is True
    assert response.usage.completion_tokens == len(json.dumps(slow)) // 4


def test_window_of_a_loopback_llama_cpp_server_is_read_from_props(policy):
    from doubles import FakeOpenAIServer

    with FakeOpenAIServer(slots=1, context_limit=3000) as server:
        backend = langchain_from_spec("openai:m", base_url=server.base_url, retry=policy)
        assert backend.context_window == 3000
        declared = langchain_from_spec(
            "openai:m", base_url=server.base_url, retry=policy, context_window=2048
        )
        assert declared.context_window == 2048
