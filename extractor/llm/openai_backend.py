"""Any OpenAI-compatible chat server through the official `openai` SDK.

Structured output is asked for in the strongest form the server accepts: strict
`json_schema`, else JSON mode (`json_object`, the schema in the system message),
else a forced tool call. Which one works is found out once per server and model
(the first call tries them in turn, holding a lock so concurrent first calls do not
all probe), logged as an explicit fallback, and reused for every later call.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import openai

from extractor.errors import LitextractError
from extractor.llm.base import (
    ChatRequest,
    ChatResponse,
    LLMError,
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.jsonout import parse_json_object
from extractor.llm.retry import RetryPolicy, describe
from schemas.record import TokenUsage

log = logging.getLogger(__name__)

STRUCTURED_MODES = ("json_schema", "json_object", "tools")
LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key but the SDK wants one
# Words servers use when they reject a structured-output parameter (vLLM, Ollama, llama.cpp...).
MODE_REJECTION_HINTS = (
    "response_format",
    "json_schema",
    "json_object",
    "tool",
    "structured",
    "not supported",
    "unsupported",
)


class _ModeRejected(Exception):
    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def bump(self) -> None:
        self.n += 1


def safe_url(url: str) -> str:
    """The URL without user:password, for logs and provenance."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        model: str = "gpt-4o-mini",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 5,
        retry: RetryPolicy | None = None,
        structured_mode: str | None = None,
        context_window: int | None = None,
    ) -> None:
        """`structured_mode` skips detection (one of STRUCTURED_MODES); `retry` overrides
        `max_retries` (tests inject short waits); `context_window` is the server's window
        in tokens when the user knows it (servers do not declare it in the protocol)."""
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
        if api_key is None and base_url is None:
            raise LitextractError(
                "no OpenAI API key: set OPENAI_API_KEY, or pass --base-url for a local "
                "OpenAI-compatible server (which needs no key)"
            )
        if structured_mode is not None and structured_mode not in STRUCTURED_MODES:
            raise ValueError(f"structured_mode must be one of {STRUCTURED_MODES}")
        self.model = model
        self.context_window = context_window
        self._secret = api_key or LOCAL_PLACEHOLDER_KEY
        # max_retries=0: tenacity (RetryPolicy) is the only retry layer.
        self._client = openai.OpenAI(
            api_key=self._secret, base_url=base_url, timeout=timeout, max_retries=0
        )
        self.base_url = safe_url(str(self._client.base_url))
        self._official = urlsplit(self.base_url).hostname == "api.openai.com"
        self.retry = retry or RetryPolicy(max_attempts=max_retries + 1)
        self._modes: dict[tuple[str, str], str] = {}
        self._detect_lock = threading.Lock()
        if structured_mode is not None:
            self._modes[self._server_key] = structured_mode

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def _server_key(self) -> tuple[str, str]:
        return (self.base_url, self.model)

    @property
    def structured_mode(self) -> str | None:
        """The mode detected for this server and model, None before the first answer."""
        return self._modes.get(self._server_key)

    def complete(self, request: ChatRequest) -> ChatResponse:
        counter = _Counter()
        try:
            mode = self._modes.get(self._server_key)
            if mode is None:
                completion, mode = self._detect(request, counter)
            else:
                completion = self._send(request, mode, counter)
            return self._to_response(completion, mode, request, counter.n)
        except LLMError as exc:
            # Rebuilt without the chained SDK exception: its text is not ours to trust.
            raise type(exc)(self._redact(str(exc)), requests=counter.n) from None

    # -- structured-output mode detection ------------------------------------------

    def _detect(self, request: ChatRequest, counter: _Counter) -> tuple[Any, str]:
        with self._detect_lock:
            mode = self._modes.get(self._server_key)
            if mode is None:
                return self._probe(request, counter)
        # Another thread detected the mode while we waited: send outside the lock.
        return self._send(request, mode, counter), mode

    def _probe(self, request: ChatRequest, counter: _Counter) -> tuple[Any, str]:
        """Try the modes strongest first; the first one the server accepts is kept."""
        rejections = []
        for mode in STRUCTURED_MODES:
            try:
                completion = self._send(request, mode, counter, probing=True)
            except _ModeRejected as rejected:
                rejections.append(f"{mode}: {rejected.cause}")
                log.warning(
                    "%s (model %s) rejected %s structured output (%s); falling back",
                    self.base_url,
                    self.model,
                    mode,
                    self._redact(rejected.cause),
                )
                continue
            self._modes[self._server_key] = mode
            if rejections:
                log.warning(
                    "%s (model %s): using %s structured output from now on",
                    self.base_url,
                    self.model,
                    mode,
                )
            return completion, mode
        raise LLMError(
            f"{self.base_url} accepts none of the structured-output modes: " + "; ".join(rejections)
        )

    # -- one request ---------------------------------------------------------------

    def _send(
        self, request: ChatRequest, mode: str, counter: _Counter, *, probing: bool = False
    ) -> Any:
        kwargs = self._request_kwargs(request, mode)
        try:
            return self.retry.call(
                lambda: self._client.chat.completions.create(**kwargs), on_attempt=counter.bump
            )
        except TransientError:
            raise
        except openai.APIStatusError as exc:
            if probing and _is_mode_rejection(exc):
                raise _ModeRejected(describe(exc)) from None
            raise LLMError(f"{self.base_url} refused the request: {describe(exc)}") from None
        except openai.OpenAIError as exc:
            raise LLMError(f"{self.base_url}: {describe(exc)}") from None

    def _request_kwargs(self, request: ChatRequest, mode: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": list(request.messages),
            "temperature": request.temperature,
        }
        # api.openai.com deprecated max_tokens (reasoning models reject it); other
        # OpenAI-compatible servers mostly know only max_tokens.
        kwargs["max_completion_tokens" if self._official else "max_tokens"] = request.max_tokens
        if mode == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "strict": True,
                    "schema": request.schema,
                },
            }
        elif mode == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
            kwargs["messages"] = with_schema_instruction(request.messages, request.schema)
        else:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": request.schema_name,
                        "description": "Record the answer as this function's arguments.",
                        "parameters": request.schema,
                        "strict": True,
                    },
                }
            ]
            kwargs["tool_choice"] = {"type": "function", "function": {"name": request.schema_name}}
        return kwargs

    def _to_response(
        self, completion: Any, mode: str, request: ChatRequest, requests: int
    ) -> ChatResponse:
        choices = getattr(completion, "choices", None)
        if not choices:  # also a non-JSON 200 body, which the SDK hands back as text
            raise NoStructuredOutputError("the server returned no choices")
        choice = choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise RefusalError(f"the model refused: {message.refusal}")
        if choice.finish_reason == "content_filter":
            raise RefusalError("the answer was stopped by the server's content filter")
        usage = completion.usage
        tokens = TokenUsage(
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        )
        if choice.finish_reason == "length":
            raise TruncatedError(
                f"the answer was cut at the {request.max_tokens}-token limit "
                f"({tokens.completion_tokens} tokens written): raise max_tokens or send less text"
            )
        raw = message.content
        if mode == "tools" and message.tool_calls:
            raw = message.tool_calls[0].function.arguments
        data = parse_json_object(raw)
        return ChatResponse(
            data=data,
            raw=raw or "",
            model=completion.model or self.model,
            structured_mode=mode,
            usage=tokens,
            finish_reason=choice.finish_reason or "stop",
            requests=requests,
        )

    def _redact(self, text: str) -> str:
        if len(self._secret) >= 4 and self._secret != LOCAL_PLACEHOLDER_KEY:
            text = text.replace(self._secret, "***")
        return text


def with_schema_instruction(
    messages: list[dict[str, str]], schema: dict[str, Any]
) -> list[dict[str, str]]:
    """JSON mode has no schema parameter: the schema goes into the system message."""
    instruction = (
        "Answer with one JSON object and nothing else. It must validate against this "
        "JSON Schema:\n<json_schema>\n" + json.dumps(schema) + "\n</json_schema>"
    )
    if messages and messages[0].get("role") == "system":
        first = {**messages[0], "content": messages[0]["content"] + "\n\n" + instruction}
        return [first, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


def _is_mode_rejection(exc: openai.APIStatusError) -> bool:
    if exc.status_code not in (400, 404, 422):
        return False
    text = f"{exc.message} {exc.body}".lower()
    return any(hint in text for hint in MODE_REJECTION_HINTS)
