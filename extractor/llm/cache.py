"""SQLite response cache: an unchanged re-run of a review costs no requests.

The key is the sha256 of what determines the answer (backend, model, prompt hash,
form hash, input hash). The extractor calls `put` only after the answer validated
against the form, so a cached answer is always one that was accepted once.

WAL mode and a busy timeout make it safe for threads (one connection, a lock) and
for several processes sharing the file. Only the answer is stored: no request
headers, keys or URLs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractor.llm.base import ChatBackend, ChatRequest, ChatResponse
from schemas.record import TokenUsage

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    data TEXT NOT NULL,
    raw TEXT NOT NULL,
    structured_mode TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CacheKey:
    backend: str
    model: str
    prompt_hash: str
    form_hash: str
    input_hash: str

    @property
    def digest(self) -> str:
        return sha256_text(json.dumps(asdict(self), sort_keys=True))

    @classmethod
    def for_request(cls, backend: ChatBackend, request: ChatRequest) -> CacheKey:
        """A key from the request itself, for callers without prompt/form hashes at hand."""
        return cls(
            backend=backend.name,
            model=backend.model,
            prompt_hash=sha256_text(
                json.dumps([request.messages, request.max_tokens, request.temperature])
            ),
            form_hash=sha256_text(json.dumps(request.schema, sort_keys=True)),
            input_hash="",
        )


class ResponseCache:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.execute(SCHEMA)

    def get(self, key: CacheKey) -> ChatResponse | None:
        with self._lock:
            row = self._db.execute(
                "SELECT model, data, raw, structured_mode, finish_reason, prompt_tokens, "
                "completion_tokens FROM responses WHERE key = ?",
                (key.digest,),
            ).fetchone()
        if row is None:
            return None
        model, data, raw, mode, finish_reason, prompt_tokens, completion_tokens = row
        return ChatResponse(
            data=json.loads(data),
            raw=raw,
            model=model,
            structured_mode=mode,
            usage=TokenUsage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens),
            finish_reason=finish_reason,
            requests=0,
            cached=True,
        )

    def put(self, key: CacheKey, response: ChatResponse) -> None:
        """Store an answer the caller has validated. Re-putting a key replaces it."""
        row = (
            key.digest,
            key.backend,
            response.model,
            json.dumps(response.data),
            response.raw,
            response.structured_mode,
            response.finish_reason,
            response.usage.prompt_tokens,
            response.usage.completion_tokens,
            datetime.now(UTC).isoformat(),
        )
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedBackend:
    """A backend that answers repeated requests from the cache.

    Every successful answer is stored; use `ResponseCache` directly when only
    answers that passed validation may be cached (the extractor does).
    """

    def __init__(self, inner: ChatBackend, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.model = inner.model

    def complete(self, request: ChatRequest) -> ChatResponse:
        key = CacheKey.for_request(self.inner, request)
        if (hit := self.cache.get(key)) is not None:
            return hit
        response = self.inner.complete(request)
        self.cache.put(key, response)
        return response
