"""SQLite response cache: the same question is never paid for twice on a machine.

One cache per user (`platformdirs.user_cache_dir("litextract")`, or
`LITEXTRACT_CACHE_DIR`), whatever the output folder: `extract --out run1` then
`--out run2` sends nothing the second time. Reviews keep their own cache file.

The key is the sha256 of what determines the answer (backend, model, prompt hash,
form hash, input hash). The extractor calls `put` only after the answer validated
against the form, so a cached answer is always one that was accepted once.

WAL mode, a busy timeout and one short transaction per write make it safe for
threads (one connection, a lock) and for several processes sharing the file: an
entry is in whole or not at all. Only the answer is stored: no request headers,
keys or URLs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from extractor.llm.base import ChatBackend, ChatRequest, ChatResponse
from schemas.hashing import sha256_text
from schemas.record import TokenUsage

CACHE_DIR_ENV = "LITEXTRACT_CACHE_DIR"
CACHE_FILE = "responses.sqlite"
BUSY_TIMEOUT_S = 60.0  # another process may hold the write lock through a long batch

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


def default_cache_path() -> Path:
    """The per-user cache: `$LITEXTRACT_CACHE_DIR/responses.sqlite`, else the platform's
    user cache folder (e.g. ~/.cache/litextract on Linux)."""
    folder = os.environ.get(CACHE_DIR_ENV)
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("litextract", appauthor=False)
    return Path(folder) / CACHE_FILE


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    size_bytes: int
    by_model: dict[str, int]  # "backend model" -> entries
    oldest: str | None
    newest: str | None


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
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        self._db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
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

    def info(self) -> CacheInfo:
        """What the cache holds, for `litextract cache info`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT backend || ' ' || model, COUNT(*) FROM responses GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
            oldest, newest = self._db.execute(
                "SELECT MIN(created_at), MAX(created_at) FROM responses"
            ).fetchone()
        size = sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )
        by_model = {name: count for name, count in rows}
        return CacheInfo(self.path, sum(by_model.values()), size, by_model, oldest, newest)

    def clear(self, *, older_than_days: float | None = None, model: str | None = None) -> int:
        """Delete entries (all, or those older than N days and/or of one model); returns
        how many. The file shrinks afterwards (VACUUM)."""
        where, args = [], []
        if older_than_days is not None:
            cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
            where.append("created_at < ?")
            args.append(cutoff.isoformat())
        if model is not None:
            where.append("model = ?")
            args.append(model)
        sql = "DELETE FROM responses" + (" WHERE " + " AND ".join(where) if where else "")
        with self._lock:
            with self._db:
                deleted = self._db.execute(sql, args).rowcount
            self._db.execute("VACUUM")
        return deleted

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
