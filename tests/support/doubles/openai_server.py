"""A scripted OpenAI-compatible chat server on loopback, for tests and benchmarks.

The real `openai` client talks HTTP to it, so retries, timeouts, streaming and
structured-output fallbacks are exercised end to end without any LLM service. Faults
are scripted per request (`server.script(Reply.rate_limited(2), Reply.ok({...}))`);
when the script is empty a `responder` builds the reply, by default a schema-valid
example answer.

Like llama.cpp's server it can stream (SSE chunks of ~4 characters, one "token" each,
and a final usage chunk when `stream_options.include_usage` is set), or ignore or
reject `stream`; stream at a steady rate (`Reply.streaming`) or stall mid-answer
(`Reply.stalling`); have a fixed number of slots (`slots=1`: requests queue, a client
that leaves cancels its request, `/props` and `/slots` say what is busy); and reject
prompts over `context_limit` tokens with OpenAI's `context_length_exceeded` body.

    with FakeOpenAIServer() as server:
        client = OpenAI(base_url=server.base_url, api_key="x")
"""

from __future__ import annotations

import dataclasses
import json
import re
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STRUCTURED_MODES = ("json_schema", "json_object", "tools")
SCHEMA_BLOCK = re.compile(r"<json_schema>\s*(\{.*\})\s*</json_schema>", re.DOTALL)


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build it with the class methods, which name the fault."""

    content: Any = None  # dict/list -> JSON text; str -> sent verbatim; None -> null
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    refusal: str | None = None
    error: str = ""
    rate: float = 0.0  # streamed tokens per second (0: as fast as possible)
    stall_after: int | None = None  # streamed tokens sent before the stream goes silent

    @classmethod
    def ok(cls, data: Any, *, delay: float = 0.0) -> Reply:
        return cls(content=data, delay=delay)

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0, *, in_ms: bool = False) -> Reply:
        header = (
            {"retry-after-ms": str(int(retry_after * 1000))}
            if in_ms
            else {"Retry-After": f"{retry_after:g}"}
        )
        return cls(status=429, headers=header, error="Rate limit reached, slow down.")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status=status, error="The server had an error processing your request.")

    @classmethod
    def slow(cls, delay: float, data: Any = None) -> Reply:
        return cls(content=data if data is not None else {}, delay=delay)

    @classmethod
    def streaming(cls, data: Any, *, rate: float) -> Reply:
        """An answer whose tokens arrive steadily, `rate` per second (when streamed)."""
        return cls(content=data, rate=rate)

    @classmethod
    def stalling(cls, data: Any, *, after: int, rate: float = 0.0) -> Reply:
        """A streamed answer that goes silent after `after` tokens, until the client leaves."""
        return cls(content=data, rate=rate, stall_after=after)

    @classmethod
    def truncated(cls, data: Any) -> Reply:
        text = json.dumps(data)
        return cls(content=text[: max(1, len(text) // 2)], finish_reason="length")

    @classmethod
    def malformed(cls, text: str = '{"model_name": "U-Net", "dice": ') -> Reply:
        return cls(content=text)

    @classmethod
    def refused(cls, text: str = "I'm sorry, I cannot help with that request.") -> Reply:
        return cls(content=None, refusal=text)


Responder = Callable[[dict[str, Any]], Reply]


def request_schema(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema a chat request asks for, whichever structured mode it uses."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("json_schema", {}).get("schema")
    tools = body.get("tools") or []
    if tools:
        return tools[0].get("function", {}).get("parameters")
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, str) and (match := SCHEMA_BLOCK.search(content)):
            return json.loads(match.group(1))
    return None


def example_from_schema(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> Any:
    """A small instance that validates against `schema` (local $refs, anyOf, enums, nullables)."""
    root = root if root is not None else schema
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return example_from_schema(target, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example_from_schema(options[0], root)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: example_from_schema(sub, root) for name, sub in props.items()}
    if kind == "array":
        return [example_from_schema(schema.get("items", {}), root)] * schema.get("minItems", 0)
    return {"string": "example", "integer": 1, "number": 1.0, "boolean": False, "null": None}[kind]


def schema_responder(body: dict[str, Any], *, delay: float = 0.0) -> Reply:
    """Default: answer every request with a schema-valid example.

    Benchmarks pass `functools.partial(schema_responder, delay=1.0)` for a slow server.
    """
    schema = request_schema(body)
    return Reply.ok(example_from_schema(schema) if schema else {}, delay=delay)


TOKEN_CHARS = 4  # the fake tokenizer: one token per 4 characters


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // TOKEN_CHARS)


def _pieces(text: str) -> list[str]:
    return [text[i : i + TOKEN_CHARS] for i in range(0, len(text), TOKEN_CHARS)]


def _prompt_text(body: Mapping[str, Any]) -> str:
    return "".join(str(m.get("content", "")) for m in body.get("messages", []))


class FakeOpenAIServer:
    """OpenAI-compatible `/v1/chat/completions` + `/v1/models` on 127.0.0.1, random port.

    `structured_modes` lists what the server accepts: a request using another
    `response_format.type` (or `tools`) gets a 400, like servers that lack them.
    `streaming` is "sse" (streams when asked), "ignore" (answers a streamed request
    with whole JSON, as some servers do) or "reject" (400 naming `stream`).
    `slots` (None: unlimited, and no /props or /slots) is how many requests are worked
    on at once; `context_limit` the most prompt tokens (chars / 4) it accepts.
    The server shuts itself down after `max_lifetime` seconds even if never stopped.
    """

    def __init__(
        self,
        responder: Responder = schema_responder,
        *,
        structured_modes: tuple[str, ...] = STRUCTURED_MODES,
        model_ids: tuple[str, ...] = ("fake-model",),
        max_lifetime: float = 600.0,
        streaming: str = "sse",
        slots: int | None = None,
        context_limit: int | None = None,
    ) -> None:
        if streaming not in ("sse", "ignore", "reject"):
            raise ValueError("streaming must be 'sse', 'ignore' or 'reject'")
        self.responder = responder
        self.structured_modes = structured_modes
        self.model_ids = model_ids
        self.max_lifetime = max_lifetime
        self.streaming = streaming
        self.slots = slots
        self.context_limit = context_limit
        self._slot_sem = threading.Semaphore(slots) if slots else None
        self._processing = 0
        self._max_processing = 0
        self.cancelled = 0  # answers dropped because the client left
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._requests: list[dict[str, Any]] = []
        self._headers: list[dict[str, str]] = []
        self._stopping = threading.Event()
        self._in_flight = 0
        self._max_in_flight = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # -- scripting and inspection -------------------------------------------------

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """JSON bodies of every chat request received, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers of every chat request, names lower-cased."""
        with self._lock:
            return list(self._headers)

    @property
    def max_in_flight(self) -> int:
        """Most chat requests being answered at the same time: shows real concurrency."""
        with self._lock:
            return self._max_in_flight

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    @property
    def max_processing(self) -> int:
        """Most requests worked on at the same time (in a slot, not queued)."""
        with self._lock:
            return self._max_processing

    @property
    def processing(self) -> int:
        with self._lock:
            return self._processing

    def _begin_processing(self) -> None:
        with self._lock:
            self._processing += 1
            self._max_processing = max(self._max_processing, self._processing)

    def _end_processing(self) -> None:
        with self._lock:
            self._processing -= 1

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.max_lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        if self._timer is not None:
            self._timer.cancel()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling (called from handler threads) -----------------------------

    def _record(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self._requests.append(body)
            self._headers.append(headers)
        rejected = self._unsupported_mode(body)
        if rejected:
            return Reply(status=400, error=rejected)
        if body.get("stream") and self.streaming == "reject":
            return Reply(status=400, error="'stream' is not supported by this server")
        prompt_tokens = _approx_tokens(_prompt_text(body))
        if self.context_limit is not None and prompt_tokens > self.context_limit:
            return Reply(
                status=400,
                error=(
                    f"This model's maximum context length is {self.context_limit} tokens. "
                    f"However, your messages resulted in {prompt_tokens} tokens. Please "
                    "reduce the length of the messages."
                ),
                finish_reason="context_length_exceeded",  # carried into the error code
            )
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        return _within_schema(body, scripted if scripted is not None else self.responder(body))

    def _unsupported_mode(self, body: dict[str, Any]) -> str:
        fmt_type = (body.get("response_format") or {}).get("type")
        if fmt_type and fmt_type != "text" and fmt_type not in self.structured_modes:
            return f"response_format type '{fmt_type}' is not supported by this server"
        if body.get("tools") and "tools" not in self.structured_modes:
            return "tools are not supported by this server"
        return ""

    def _usage(self, body: dict[str, Any], reply: Reply, text: str | None) -> dict[str, int]:
        prompt_tokens = _approx_tokens(_prompt_text(body))
        completion_tokens = _approx_tokens(text or reply.refusal or "")
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }

    def _chunks(self, body: dict[str, Any], reply: Reply) -> list[dict[str, Any]]:
        """The streamed answer: one chunk per token, then finish reason, then usage."""
        text = _text(reply.content)
        tools = body.get("tools") or []
        as_tool = bool(tools) and text is not None and reply.refusal is None
        base = {
            "id": f"chatcmpl-{len(self._requests)}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", self.model_ids[0]),
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        chunks = [chunk({"role": "assistant", "content": None})]
        if as_tool:
            name = tools[0].get("function", {}).get("name", "tool")
            head = {"index": 0, "id": "call_0", "type": "function"}
            head["function"] = {"name": name, "arguments": ""}
            chunks.append(chunk({"tool_calls": [head]}))
            for piece in _pieces(text or ""):
                call = {"index": 0, "function": {"arguments": piece}}
                chunks.append(chunk({"tool_calls": [call]}))
        elif reply.refusal is not None:
            chunks.extend(chunk({"refusal": piece}) for piece in _pieces(reply.refusal))
        else:
            chunks.extend(chunk({"content": piece}) for piece in _pieces(text or ""))
        finish = reply.finish_reason
        if as_tool and finish == "stop":
            finish = "tool_calls"
        chunks.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**base, "choices": [], "usage": self._usage(body, reply, text)})
        return chunks

    def _completion(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        text = _text(reply.content)
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": reply.refusal}
        finish_reason = reply.finish_reason
        tools = body.get("tools") or []
        if tools and text is not None and reply.refusal is None:
            name = tools[0].get("function", {}).get("name", "tool")
            call = {"id": "call_0", "type": "function", "function": {"name": name}}
            call["function"]["arguments"] = text
            message.update(content=None, tool_calls=[call])
            finish_reason = "tool_calls" if finish_reason == "stop" else finish_reason
        return {
            "id": f"chatcmpl-{len(self._requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model_ids[0]),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": self._usage(body, reply, text),
        }


def _within_schema(body: dict[str, Any], reply: Reply) -> Reply:
    """A scripted object answer keeps only the properties the request's schema names.

    A server that follows a JSON Schema cannot send others, so a test may script one full
    record (all of a form's fields) and each field group's request gets its own part."""
    schema = request_schema(body) or {}
    names = schema.get("properties")
    if not isinstance(reply.content, dict) or not isinstance(names, dict):
        return reply
    kept = {key: value for key, value in reply.content.items() if key in names}
    return dataclasses.replace(reply, content=kept)


def _text(content: Any) -> str | None:
    return content if isinstance(content, str) or content is None else json.dumps(content)


class _Handler(BaseHTTPRequestHandler):
    owner: FakeOpenAIServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        owner = self.owner
        path = self.path.rstrip("/")
        if owner.slots and path == "/props":
            window = {"n_ctx": owner.context_limit} if owner.context_limit else {}
            self._send(200, {"total_slots": owner.slots, "default_generation_settings": window})
            return
        if owner.slots and path == "/slots":
            busy = owner.processing
            slots = [{"id": i, "is_processing": i < busy} for i in range(owner.slots)]
            self._send(200, slots)  # type: ignore[arg-type]
            return
        if path != "/v1/models":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        models = [{"id": m, "object": "model", "owned_by": "fake"} for m in self.owner.model_ids]
        self._send(200, {"object": "list", "data": models})

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        length = int(self.headers.get("Content-Length", 0))
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._send(400, {"error": {"message": "request body is not JSON"}})
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        owner = self.owner
        owner._enter()
        self._left = False
        try:
            reply = owner._record(body, headers)
            if reply.status != 200:
                self._error(reply)
                return
            if owner._slot_sem is not None:
                while not owner._slot_sem.acquire(timeout=0.05):  # queued for a slot
                    if owner._stopping.is_set() or self._client_gone():
                        return
            owner._begin_processing()
            try:
                self._answer(body, reply)
            finally:
                owner._end_processing()
                if owner._slot_sem is not None:
                    owner._slot_sem.release()
        finally:
            self._leave()

    def _leave(self) -> None:
        """The request no longer counts as in flight: called before its last bytes go out,
        because the client may send its next request as soon as it has read them."""
        if not self._left:
            self._left = True
            self.owner._leave()

    def _error(self, reply: Reply) -> None:
        code = reply.finish_reason if reply.finish_reason != "stop" else None
        kind = "invalid_request_error" if code else HTTPStatus(reply.status).phrase
        error = {"message": reply.error, "type": kind, "param": None, "code": code}
        self._send(reply.status, {"error": error}, reply.headers)

    def _client_gone(self) -> bool:
        """True once the client closed its end (readable with nothing to read)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _wait(self, seconds: float) -> bool:
        """Sleep like a busy engine; False if the client left or the server is stopping
        (a real server cancels the task then)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.owner._stopping.wait(min(left, 0.05)) or self._client_gone():
                with self.owner._lock:
                    self.owner.cancelled += 1
                return False
        return True

    def _answer(self, body: dict[str, Any], reply: Reply) -> None:
        if reply.delay and not self._wait(reply.delay):
            return  # client gone or server stopping: drop the slow answer
        if body.get("stream") and self.owner.streaming == "sse":
            self._stream(body, reply)
            return
        completion = self.owner._completion(body, reply)
        self._leave()
        self._send(200, completion, reply.headers)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        chunks = self.owner._chunks(body, reply)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            tokens = 0
            for index, chunk in enumerate(chunks):
                is_token = 0 < index < len(chunks) - 1 and bool(chunk.get("choices"))
                if is_token and reply.stall_after is not None and tokens >= reply.stall_after:
                    self._wait(self.owner.max_lifetime)  # silent until the client leaves
                    return
                if is_token and reply.rate and not self._wait(1 / reply.rate):
                    return
                if index == len(chunks) - 1:
                    self._leave()  # the client may be done once it has the last chunk
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                tokens += is_token
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            with self.owner._lock:
                self.owner.cancelled += 1

    def _send(self, status: int, payload: Any, headers: Mapping[str, str] = {}) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer
