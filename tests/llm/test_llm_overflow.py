"""Context overflow from every engine: a ContextOverflowError with the numbers, never
retried, carrying what the call cost."""

from __future__ import annotations

import httpx
import openai
import pytest
from doubles import FakeOpenAIServer, Reply
from langchain_core.exceptions import ContextOverflowError as LangChainOverflow
from llm_testdata import ANSWER

from extractor.llm.base import ChatRequest, ContextOverflowError, TransientError
from extractor.llm.langchain_backend import langchain_from_spec
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.overflow import context_overflow
from extractor.llm.retry import is_transient

LLAMA_CPP = (
    "request (2031 tokens) exceeds the available context size (512 tokens), try increasing it"
)


def status_error(status: int, message: str, body: dict | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    response = httpx.Response(status, request=request)
    cls = openai.BadRequestError if status == 400 else openai.InternalServerError
    return cls(message, response=response, body=body)


@pytest.mark.parametrize(
    ("message", "body", "window", "requested"),
    [
        (  # OpenAI
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9010 tokens. Please reduce the length of the messages.",
            {"error": {"code": "context_length_exceeded"}},
            8192,
            9010,
        ),
        (  # vLLM
            "This model's maximum context length is 4096 tokens. However, you requested "
            "5000 tokens (4000 in the messages, 1000 in the completion).",
            None,
            4096,
            5000,
        ),
        (  # llama.cpp server (xllamacpp), with its structured body
            LLAMA_CPP,
            {"error": {"type": "exceed_context_size_error", "n_prompt_tokens": 2031, "n_ctx": 512}},
            512,
            2031,
        ),
        ("Requested tokens (9010) exceed context window of 8192", None, 8192, 9010),  # llama-cpp-py
        ("prompt is too long: 208000 tokens > 200000 maximum", None, 200000, 208000),  # Anthropic
        ("the request exceeds the available context size, try increasing it", None, None, None),
    ],
)
def test_each_engines_overflow_message_is_recognised_with_its_numbers(
    message, body, window, requested
):
    overflow = context_overflow(status_error(400, message, body))
    assert isinstance(overflow, ContextOverflowError)
    assert (overflow.window, overflow.requested) == (window, requested)
    assert not is_transient(status_error(400, message, body))
    text = str(overflow)
    assert text.startswith("context window exceeded") and "\n" not in text
    if window and requested:
        assert f"{requested:,} tokens" in text and f"window is {window:,}" in text
        assert overflow.overflow == requested - window


def test_a_500_overflow_is_not_retried():
    # Older llama.cpp servers answer an overflow with a 500.
    assert not is_transient(status_error(500, LLAMA_CPP))
    assert is_transient(status_error(500, "The server had an error"))


def test_langchain_wrapped_overflow_is_recognised():
    class Wrapped(LangChainOverflow):
        pass

    try:
        try:
            raise status_error(400, "Requested tokens (9010) exceed context window of 8192")
        except openai.BadRequestError as inner:
            raise Wrapped("Input exceeds the model's context limit") from inner
    except Wrapped as exc:
        overflow = context_overflow(exc)
    assert overflow is not None and (overflow.window, overflow.requested) == (8192, 9010)
    assert context_overflow(LangChainOverflow("too long")) is not None
    assert context_overflow(ValueError("bad schema")) is None


def long_request(chars: int) -> ChatRequest:
    from llm_testdata import SCHEMA

    return ChatRequest(messages=[{"role": "user", "content": "x" * chars}], schema=SCHEMA)


def test_openai_backend_raises_overflow_with_numbers_once(policy, sleep):
    with FakeOpenAIServer(context_limit=100) as server:
        backend = OpenAIBackend("fake-model", base_url=server.base_url, retry=policy)
        with pytest.raises(ContextOverflowError) as info:
            backend.complete(long_request(800))
        assert len(server.requests) == 1 and sleep.calls == []  # never retried
        error = info.value
        assert (error.window, error.requested, error.requests) == (100, 200, 1)
        assert error.usage.total_tokens == 0  # rejected before any work: nothing billed
        # The same server answers a prompt that fits.
        assert backend.complete(long_request(200)).data


def test_overflow_after_a_stall_carries_the_stalled_attempts_tokens(policy):
    with FakeOpenAIServer() as server:
        backend = OpenAIBackend("fake-model", base_url=server.base_url, retry=policy, timeout=0.3)
        server.script(
            Reply.stalling(ANSWER, after=3),
            Reply(status=400, error=LLAMA_CPP, finish_reason="exceed_context_size_error"),
        )
        with pytest.raises(ContextOverflowError) as info:
            backend.complete(long_request(40))
    assert info.value.requests == 2 and info.value.usage.completion_tokens == 3
    assert (info.value.window, info.value.requested) == (512, 2031)
    assert not isinstance(info.value, TransientError)


def test_langchain_backend_raises_overflow_with_numbers(policy, sleep):
    with FakeOpenAIServer(context_limit=100) as server:
        backend = langchain_from_spec("openai:fake-model", base_url=server.base_url, retry=policy)
        with pytest.raises(ContextOverflowError) as info:
            backend.complete(long_request(800))
        assert len(server.requests) == 1 and sleep.calls == []
    assert (info.value.window, info.value.requested, info.value.requests) == (100, 200, 1)
