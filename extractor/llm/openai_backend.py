"""Any OpenAI-compatible chat server through the official `openai` SDK.

Structured output is asked for in the strongest form the server accepts: strict
`json_schema`, else JSON mode (`json_object`, the schema in the system message),
else a forced tool call. Which one works is found out once per server and model
(the first call tries them in turn, holding a lock so concurrent first calls do not
all probe), logged as an explicit fallback, and reused for every later call.

Answers stream (`stream=True` with `include_usage`) where the server supports it, so
the read timeout bounds the silence between two chunks, not the whole answer: a local
model writing 7 tokens/s for ten minutes succeeds in one request, and a stream that
stalls mid-answer is a transient failure whose tokens are counted. A server that
rejects or ignores streaming gets whole answers from then on (found out once, logged
once). The timeout defaults by where the server is (see `endpoint`).

Every attempt's tokens count: the server's usage figures where it sent them, else
the prompt and the answer tokens received, counted. A failed call's `LLMError`
carries them (and the attempts and seconds spent), so cost stays honest.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import openai

from extractor.llm.answer import Answer, StreamInterrupted, StreamReader
from extractor.llm.base import (
    ChatRequest,
    ChatResponse,
    LLMError,
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.endpoint import (
    check_reachable,
    check_url_form,
    is_local,
    is_loopback,
    resolve_timeout,
    safe_url,
)
from extractor.llm.jsonout import parse_json_object
from extractor.llm.loopback import LoopbackServer, SlotGate
from extractor.llm.overflow import context_overflow
from extractor.llm.redact import protect
from extractor.llm.retry import RetryPolicy, describe
from extractor.llm.tokens import counter_for_model
from schemas.errors import LitextractError
from schemas.record import TokenUsage

log = logging.getLogger(__name__)

STRUCTURED_MODES = ("json_schema", "json_object", "tools")
LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key but the SDK wants one
CONNECT_TIMEOUT = 30.0
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


class StalledAnswer(TimeoutError):
    """An attempt got no answer within the read timeout, or its stream stalled or broke
    off mid-answer. A TimeoutError, so the retry policy treats it as transient."""


@dataclass
class _Call:
    """Totals of one `complete` call across its attempts, failed ones included."""

    started: float = field(default_factory=time.monotonic)
    requests: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    timed_out: bool = False  # the last attempt timed out: a loopback retry waits for the slot
    streamed: bool = False

    def add(self, prompt: int, completion: int) -> None:
        self.usage = self.usage + TokenUsage(prompt_tokens=prompt, completion_tokens=completion)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int = 5,
        retry: RetryPolicy | None = None,
        structured_mode: str | None = None,
        context_window: int | None = None,
        stream: bool | None = None,
        count_tokens: Callable[[str], int] | None = None,
    ) -> None:
        """`timeout` is the read timeout in seconds (None: LITEXTRACT_TIMEOUT, else by
        host); `structured_mode` skips detection (one of STRUCTURED_MODES); `stream`
        forces streaming on or off (None: detect); `retry` overrides `max_retries`
        (tests inject short waits); `context_window` is the server's window in tokens
        when the user knows it (a loopback llama.cpp server is asked); `count_tokens`
        replaces the offline counter (the local engine passes its tokenizer)."""
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        api_key = api_key or os.environ.get("OPENAI_API_KEY") or None
        if api_key is None and base_url is None:
            raise LitextractError(
                "no OpenAI API key: set OPENAI_API_KEY, or pass --base-url for a local "
                "OpenAI-compatible server (which needs no key)"
            )
        if base_url is not None:
            check_url_form(base_url)
        if structured_mode is not None and structured_mode not in STRUCTURED_MODES:
            raise ValueError(f"structured_mode must be one of {STRUCTURED_MODES}")
        self.model = model
        self._secret = api_key or LOCAL_PLACEHOLDER_KEY
        self.timeout = resolve_timeout(timeout, base_url or "https://api.openai.com/v1")
        # max_retries=0: tenacity (RetryPolicy) is the only retry layer.
        self._client = openai.OpenAI(
            api_key=self._secret,
            base_url=base_url,
            timeout=openai.Timeout(self.timeout, connect=min(self.timeout, CONNECT_TIMEOUT)),
            max_retries=0,
        )
        full_url = str(self._client.base_url)
        if api_key is not None:
            protect(api_key, url=full_url)
        else:
            protect(url=full_url)
        self.base_url = safe_url(full_url)
        self.is_local = is_local(full_url)
        self._official = urlsplit(self.base_url).hostname == "api.openai.com"
        self.retry = retry or RetryPolicy(max_attempts=max_retries + 1)
        self._modes: dict[tuple[str, str], str] = {}
        self._detect_lock = threading.Lock()
        if structured_mode is not None:
            self._modes[self._server_key] = structured_mode
        self._stream: bool | None = stream
        self._logged: set[str] = set()
        self._log_lock = threading.Lock()
        self._loopback: LoopbackServer | None = None
        self._gate: SlotGate | None = None
        if is_loopback(full_url):
            root = full_url.rstrip("/").removesuffix("/v1")
            self._loopback = LoopbackServer(root, api_key)
            self._gate = SlotGate(self._loopback)
        self._declared_window = context_window
        self._custom_count = count_tokens is not None
        self._count = count_tokens or counter_for_model(model)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r})"

    def check_server(self) -> None:
        """Fail fast, naming the server, when it cannot be reached (once, before a batch)."""
        check_reachable(str(self._client.base_url), {"Authorization": f"Bearer {self._secret}"})

    @property
    def _server_key(self) -> tuple[str, str]:
        return (self.base_url, self.model)

    @property
    def structured_mode(self) -> str | None:
        """The mode detected for this server and model, None before the first answer."""
        return self._modes.get(self._server_key)

    @property
    def streaming(self) -> bool | None:
        """Whether answers stream from this server; None before the first answer."""
        return self._stream

    @property
    def context_window(self) -> int | None:
        """The declared window, else what a loopback llama.cpp server says (per slot)."""
        if self._declared_window is not None:
            return self._declared_window
        return self._loopback.n_ctx if self._loopback is not None else None

    def count_tokens(self, text: str) -> int:
        """The server's own count where a loopback llama.cpp server offers /tokenize,
        else OpenAI's vocabulary for OpenAI models, else the calibrated estimate."""
        if self._loopback is not None and not self._custom_count:
            counted = self._loopback.tokenize(text)
            if counted is not None:
                return counted
        return self._count(text)

    def complete(self, request: ChatRequest) -> ChatResponse:
        call = _Call()
        try:
            mode = self._modes.get(self._server_key)
            if mode is None:
                answer, mode = self._detect(request, call)
            else:
                answer = self._send(request, mode, call)
            return self._to_response(answer, mode, request, call)
        except LLMError as exc:
            # Rebuilt without the chained SDK exception: its text is not ours to trust.
            raise exc.rebuilt(
                self._redact(str(exc)),
                requests=call.requests,
                usage=call.usage,
                elapsed=call.elapsed,
            ) from None

    # -- structured-output mode detection ------------------------------------------

    def _detect(self, request: ChatRequest, call: _Call) -> tuple[Answer, str]:
        with self._detect_lock:
            mode = self._modes.get(self._server_key)
            if mode is None:
                return self._probe(request, call)
        # Another thread detected the mode while we waited: send outside the lock.
        return self._send(request, mode, call), mode

    def _probe(self, request: ChatRequest, call: _Call) -> tuple[Answer, str]:
        """Try the modes strongest first; the first one the server accepts is kept."""
        rejections = []
        for mode in STRUCTURED_MODES:
            try:
                answer = self._send(request, mode, call, probing=True)
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
            return answer, mode
        raise LLMError(
            f"{self.base_url} accepts none of the structured-output modes: " + "; ".join(rejections)
        )

    # -- one request, retried ------------------------------------------------------

    def _send(
        self, request: ChatRequest, mode: str, call: _Call, *, probing: bool = False
    ) -> Answer:
        kwargs = self._request_kwargs(request, mode)
        prompt_tokens = _lazy(lambda: self.count_tokens(_prompt_text(kwargs["messages"])))

        def attempt() -> Answer:
            if call.timed_out and self._gate is not None:
                self._gate.after_timeout(max_wait=self.timeout)
            call.timed_out = False
            call.requests += 1
            if self._gate is None:
                return self._attempt(kwargs, request, call, prompt_tokens)
            with self._gate.hold():
                return self._attempt(kwargs, request, call, prompt_tokens)

        try:
            return self.retry.call(attempt)
        except TransientError:
            raise
        except openai.APIStatusError as exc:
            if (overflow := context_overflow(exc)) is not None:
                raise overflow from None
            if probing and _is_mode_rejection(exc):
                raise _ModeRejected(describe(exc)) from None
            raise LLMError(f"{self.base_url} refused the request: {describe(exc)}") from None
        except openai.OpenAIError as exc:
            raise LLMError(f"{self.base_url}: {describe(exc)}") from None

    def _attempt(
        self,
        kwargs: dict[str, Any],
        request: ChatRequest,
        call: _Call,
        prompt_tokens: Callable[[], int],
    ) -> Answer:
        started = time.monotonic()
        try:
            if self._stream is not False:
                answer = self._streamed(kwargs, request, call)
                if answer is not None:
                    return self._counted(answer, call, prompt_tokens)
            completion = self._client.chat.completions.create(**kwargs)
        except StreamInterrupted as stalled:
            # The server had the prompt and sent part of the answer: both count.
            call.add(prompt_tokens(), stalled.partial.chunks)
            call.timed_out = _is_timeout(stalled.cause)
            raise StalledAnswer(
                f"the answer stream stalled after {stalled.partial.chunks} token(s) and "
                f"{time.monotonic() - started:.1f} s ({describe(stalled.cause)})"
            ) from None
        except openai.APITimeoutError:
            call.add(prompt_tokens(), 0)  # the server was working on the prompt
            call.timed_out = True
            raise StalledAnswer(
                f"no answer within the {self.timeout:g} s read timeout "
                "(raise it with --timeout or LITEXTRACT_TIMEOUT)"
            ) from None
        answer = Answer.from_completion(completion)
        if answer is None:  # also a non-JSON 200 body, which the SDK hands back as text
            raise NoStructuredOutputError("the server returned no choices")
        return self._counted(answer, call, prompt_tokens)

    def _streamed(self, kwargs: dict[str, Any], request: ChatRequest, call: _Call) -> Answer | None:
        """The streamed answer, or None when this server turned out not to stream."""
        try:
            stream = self._client.chat.completions.create(
                **kwargs, stream=True, stream_options={"include_usage": True}
            )
        except openai.APIStatusError as exc:
            if self._stream is None and _is_stream_rejection(exc):
                self._no_streaming(describe(exc))
                call.requests += 1  # the whole answer is asked for in a second request
                return None
            raise
        reader = StreamReader(request.on_progress, attempt=call.requests)
        with stream:
            answer = reader.read(stream)
        if reader.events == 0 and self._stream is None:
            # A whole JSON answer to a streamed request reads as an empty stream.
            self._no_streaming("it answered a streamed request with no chunks")
            call.requests += 1
            return None
        if self._stream is None:
            self._stream = True
            self._log_once("stream", "%s (model %s): streaming answers", self.base_url, self.model)
        call.streamed = True
        return answer

    def _no_streaming(self, why: str) -> None:
        self._stream = False
        self._log_once(
            "no-stream",
            "%s (model %s) does not stream answers (%s); waiting for whole answers "
            "(read timeout %g s)",
            self.base_url,
            self.model,
            self._redact(why),
            self.timeout,
        )

    def _counted(self, answer: Answer, call: _Call, prompt_tokens: Callable[[], int]) -> Answer:
        """Adds the attempt's tokens to the call: the server's figures, else counted."""
        prompt = answer.prompt_tokens
        completion = answer.completion_tokens
        if prompt is None:
            prompt = prompt_tokens()
        if completion is None:
            text = answer.tool_arguments or answer.content or ""
            completion = answer.chunks or self.count_tokens(text)
        call.add(prompt, completion)
        return answer

    def _log_once(self, key: str, message: str, *args: Any) -> None:
        with self._log_lock:
            if key in self._logged:
                return
            self._logged.add(key)
        log.warning(message, *args) if key.startswith("no-") else log.info(message, *args)

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
        self, answer: Answer, mode: str, request: ChatRequest, call: _Call
    ) -> ChatResponse:
        if answer.refusal:
            raise RefusalError(f"the model refused: {answer.refusal}")
        if answer.finish_reason == "content_filter":
            raise RefusalError("the answer was stopped by the server's content filter")
        if answer.finish_reason == "length":
            written = answer.completion_tokens or answer.chunks
            raise TruncatedError(
                f"the answer was cut at the {request.max_tokens}-token limit "
                f"({written} tokens written): raise max_tokens or send less text"
            )
        raw = answer.content
        if mode == "tools" and answer.tool_arguments:
            raw = answer.tool_arguments
        data = parse_json_object(raw)
        return ChatResponse(
            data=data,
            raw=raw or "",
            model=answer.model or self.model,
            structured_mode=mode,
            usage=call.usage,
            finish_reason=answer.finish_reason or "stop",
            requests=call.requests,
            elapsed=call.elapsed,
            streamed=call.streamed,
        )

    def _redact(self, text: str) -> str:
        if len(self._secret) >= 4 and self._secret != LOCAL_PLACEHOLDER_KEY:
            text = text.replace(self._secret, "***")
        return text


def _lazy(fn: Callable[[], int]) -> Callable[[], int]:
    """Counts the prompt at most once per call, and only when a figure is missing."""
    cached: list[int] = []

    def get() -> int:
        if not cached:
            cached.append(fn())
        return cached[0]

    return get


def _prompt_text(messages: list[dict[str, str]]) -> str:
    return "\n".join(str(m.get("content", "")) for m in messages)


def _is_timeout(exc: BaseException) -> bool:
    # httpx's and httpx2's (the SDK's) ReadTimeout, WriteTimeout, ... share no base with
    # the SDK's own APITimeoutError; their names say it.
    return isinstance(exc, openai.APITimeoutError | TimeoutError) or type(exc).__name__.endswith(
        "Timeout"
    )


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


def _is_stream_rejection(exc: openai.APIStatusError) -> bool:
    if exc.status_code not in (400, 404, 422, 501):
        return False
    return "stream" in f"{exc.message} {exc.body}".lower()
