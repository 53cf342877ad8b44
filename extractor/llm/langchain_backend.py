"""Any LangChain chat model as a backend, through `with_structured_output`.

Providers that implement native JSON-schema output use it (`method="json_schema"`);
models whose integration ignores the method fall back to LangChain's own default
(tool calling). A missing parsed result is an error, never an empty record.
"""

from __future__ import annotations

import json
import time
from typing import Any

import openai
from langchain_core.exceptions import ModelRefusalError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from extractor.llm.base import (
    ChatRequest,
    ChatResponse,
    LLMError,
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.endpoint import is_local, is_loopback, resolve_timeout
from extractor.llm.jsonout import excerpt, parse_json_object
from extractor.llm.loopback import LoopbackServer
from extractor.llm.overflow import context_overflow
from extractor.llm.retry import RetryPolicy, describe, is_transient
from extractor.llm.tokens import counter_for_model
from schemas.record import TokenUsage

TRUNCATION_REASONS = ("length", "max_tokens", "MAX_TOKENS")
TRUNCATED = "the answer was cut at the token limit: raise max_tokens or send less text"


class LangChainBackend:
    def __init__(
        self,
        chat_model: BaseChatModel,
        *,
        name: str = "langchain",
        model: str | None = None,
        retry: RetryPolicy | None = None,
        context_window: int | None = None,
        local: bool = False,
        server: LoopbackServer | None = None,
    ) -> None:
        """`local`: the model is served on this machine or a private network (no price);
        `server`: a loopback server to ask for its window when none is declared."""
        self.chat_model = chat_model
        self.name = name
        self.model = model or _model_name(chat_model)
        self._declared_window = context_window
        self._server = server
        self.is_local = local
        self.retry = retry or RetryPolicy()
        self._count = counter_for_model(self.model)

    @property
    def context_window(self) -> int | None:
        """The declared window, else what a loopback llama.cpp server says (per slot)."""
        if self._declared_window is not None or self._server is None:
            return self._declared_window
        return self._server.n_ctx

    def count_tokens(self, text: str) -> int:
        if self._server is not None:
            counted = self._server.tokenize(text)
            if counted is not None:
                return counted
        return self._count(text)

    def __repr__(self) -> str:
        return f"LangChainBackend(name={self.name!r}, model={self.model!r})"

    def complete(self, request: ChatRequest) -> ChatResponse:
        schema = {**request.schema, "title": request.schema_name}
        runnable = self._structured(self._for_request(request), schema)
        attempts = 0
        started = time.monotonic()

        def invoke() -> dict[str, Any]:
            nonlocal attempts
            attempts += 1
            return runnable.invoke(request.messages)

        try:
            result = self.retry.call(invoke)
            return self._to_response(result, attempts, time.monotonic() - started)
        except Exception as exc:
            raise self._error(exc, attempts, time.monotonic() - started) from None

    def _error(self, exc: Exception, attempts: int, elapsed: float) -> LLMError:
        """Every failure as an LLMError carrying the attempts, tokens and time it cost."""
        totals: dict[str, Any] = {"requests": attempts, "elapsed": elapsed}
        if isinstance(exc, LLMError):
            return exc.rebuilt(str(exc), usage=exc.usage, **totals)
        if (overflow := context_overflow(exc)) is not None:
            return overflow.rebuilt(str(overflow), usage=overflow.usage, **totals)
        if isinstance(exc, ModelRefusalError | openai.ContentFilterFinishReasonError):
            return RefusalError(f"the model refused: {exc}", **totals)
        if isinstance(exc, openai.LengthFinishReasonError):
            # The SDK keeps the cut completion: its tokens were spent.
            return TruncatedError(TRUNCATED, usage=_completion_usage(exc), **totals)
        if is_transient(exc):
            return TransientError(f"{self.name}: {describe(exc)}", **totals)
        return LLMError(f"{self.name}: {describe(exc)}", **totals)

    def _for_request(self, request: ChatRequest) -> BaseChatModel:
        """The chat model with the request's token budget and temperature, where it has
        such fields (the extractor raises the budget after a truncated answer)."""
        fields = type(self.chat_model).model_fields
        wanted = {"max_tokens": request.max_tokens, "temperature": request.temperature}
        update = {name: value for name, value in wanted.items() if name in fields}
        return self.chat_model.model_copy(update=update) if update else self.chat_model

    def _structured(self, chat_model: BaseChatModel, schema: dict[str, Any]) -> Any:
        try:
            return chat_model.with_structured_output(
                schema, method="json_schema", include_raw=True, strict=True
            )
        except (TypeError, ValueError):  # integrations without a `strict` option
            pass
        try:
            return chat_model.with_structured_output(schema, method="json_schema", include_raw=True)
        except NotImplementedError:
            raise LLMError(
                f"{type(chat_model).__name__} does not support structured output"
            ) from None

    def _to_response(self, result: dict[str, Any], attempts: int, elapsed: float) -> ChatResponse:
        raw: BaseMessage | None = result.get("raw")
        parsed = result.get("parsed")
        error = result.get("parsing_error")
        metadata = getattr(raw, "response_metadata", {}) or {}
        raw_text = _raw_text(raw)
        usage = _usage(raw)
        if isinstance(error, ModelRefusalError):
            raise RefusalError(f"the model refused: {error}", usage=usage)
        refusal = (getattr(raw, "additional_kwargs", {}) or {}).get("refusal")
        if refusal:
            raise RefusalError(f"the model refused: {refusal}", usage=usage)
        finish_reason = metadata.get("finish_reason") or metadata.get("stop_reason") or "stop"
        if finish_reason in TRUNCATION_REASONS:
            raise TruncatedError(TRUNCATED, usage=usage)
        if raw_text and isinstance(getattr(raw, "content", None), str) and raw.content:
            # LangChain's JSON parser accepts partial JSON ('{"a": 1, "b": ' -> {"a": 1});
            # a cut or malformed answer must fail, so the text itself is parsed strictly.
            try:
                parsed = parse_json_object(raw_text)
            except NoStructuredOutputError as exc:
                raise NoStructuredOutputError(str(exc), usage=usage) from None
        if parsed is None or not isinstance(parsed, dict):
            why = f" ({type(error).__name__}: {str(error)[:120]})" if error else ""
            raise NoStructuredOutputError(
                f"no structured output{why}: {excerpt(raw_text)}", usage=usage
            )
        return ChatResponse(
            data=parsed,
            raw=raw_text or json.dumps(parsed),
            model=metadata.get("model_name") or self.model,
            structured_mode="langchain",
            usage=usage,
            finish_reason=str(finish_reason),
            requests=attempts,
            elapsed=elapsed,
            streamed=getattr(self.chat_model, "streaming", False) is True,
        )


def _model_name(chat_model: BaseChatModel) -> str:
    for attr in ("model_name", "model", "model_id"):
        value = getattr(chat_model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(chat_model).__name__


def _raw_text(raw: BaseMessage | None) -> str:
    if raw is None:
        return ""
    if isinstance(raw.content, str) and raw.content:
        return raw.content
    tool_calls = getattr(raw, "tool_calls", None) or []
    if tool_calls:
        return json.dumps(tool_calls[0].get("args", {}))
    return raw.text if isinstance(raw.text, str) else ""


def _usage(raw: BaseMessage | None) -> TokenUsage:
    usage = getattr(raw, "usage_metadata", None) or {}
    return TokenUsage(
        prompt_tokens=usage.get("input_tokens", 0), completion_tokens=usage.get("output_tokens", 0)
    )


def _completion_usage(exc: BaseException) -> TokenUsage:
    usage = getattr(getattr(exc, "completion", None), "usage", None)
    return TokenUsage(
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
    )


def langchain_from_spec(
    spec: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float | None = None,
    **kwargs: Any,
) -> LangChainBackend:
    """`"openai:gpt-4o-mini"` (provider:model, as `init_chat_model` reads it) -> backend.

    The provider's own retries are switched off so `RetryPolicy` is the only one. The
    read timeout defaults by where the server is (see `endpoint`); OpenAI-compatible
    servers on this machine or a private network stream their answers (with usage),
    so the timeout bounds the silence between tokens, not a long answer.
    """
    from langchain.chat_models import init_chat_model

    retry = kwargs.pop("retry", None)
    context_window = kwargs.pop("context_window", None)
    local = is_local(base_url)
    timeout = resolve_timeout(timeout, base_url or "https://remote.invalid")
    options: dict[str, Any] = {"max_retries": 0, "temperature": 0, "timeout": timeout, **kwargs}
    if local and spec.startswith("openai:"):
        options.setdefault("streaming", True)
        options.setdefault("stream_usage", True)
    if base_url is not None:
        options["base_url"] = base_url
    if api_key is not None:
        options["api_key"] = api_key
    elif base_url is not None and spec.startswith("openai:"):
        options.setdefault("api_key", "not-needed")
    try:
        chat_model = init_chat_model(spec, **options)
    except (ImportError, ValueError) as exc:
        raise LLMError(f"cannot build LangChain model {spec!r}: {exc}") from None
    server = None
    if base_url is not None and is_loopback(base_url):
        server = LoopbackServer(base_url.rstrip("/").removesuffix("/v1"), api_key)
    return LangChainBackend(
        chat_model,
        model=spec.partition(":")[2] or spec,
        retry=retry,
        context_window=context_window,
        local=local,
        server=server,
    )
