"""The review store: one SQLite file that keeps a living review's whole history.

Papers, parsed documents, runs, every record version and every human
correction. Record versions and corrections are append-only (triggers refuse
UPDATE and DELETE), so nothing a model or a reviewer produced is ever lost.
The database runs in WAL mode and every write is its own short transaction:
a process killed at any point leaves a consistent store behind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

from extractor.document import Document
from extractor.key import ExtractionKey
from extractor.targets import stored_target
from schemas.errors import LitextractError
from schemas.extracted import Extracted
from schemas.registrations import registrations


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# Migration n brings a store from user_version n to n + 1. Append only.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE papers (
        paper_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        doi TEXT,
        title TEXT,
        title_norm TEXT,
        status TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'parsed', 'duplicate', 'error', 'missing')),
        duplicate_of TEXT REFERENCES papers(paper_id),
        duplicate_reason TEXT,
        error TEXT,
        source TEXT,
        added_at TEXT NOT NULL
    );
    CREATE INDEX papers_sha256 ON papers(sha256);
    CREATE INDEX papers_doi ON papers(doi);
    CREATE INDEX papers_title_norm ON papers(title_norm);

    CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        document_json TEXT NOT NULL,
        parsed_at TEXT NOT NULL
    );

    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running'
            CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
        pid INTEGER,
        config_json TEXT NOT NULL,
        summary_json TEXT,
        papers_processed INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE record_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        paper_id TEXT NOT NULL REFERENCES papers(paper_id),
        target_id TEXT NOT NULL DEFAULT '',
        version INTEGER NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        origin TEXT NOT NULL CHECK (origin IN ('model', 'human')),
        record_json TEXT NOT NULL,
        provenance_json TEXT NOT NULL,
        target_json TEXT,
        paper_sha256 TEXT,
        form_hash TEXT,
        prompt_hash TEXT,
        backend TEXT,
        model TEXT,
        target_hash TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (paper_id, target_id, version)
    );
    CREATE INDEX record_versions_run ON record_versions(run_id);

    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        paper_id TEXT NOT NULL REFERENCES papers(paper_id),
        target_id TEXT NOT NULL DEFAULT '',
        field TEXT NOT NULL,
        value_json TEXT NOT NULL,
        status TEXT NOT NULL,
        evidence_json TEXT NOT NULL DEFAULT '[]',
        corrected_by TEXT NOT NULL,
        why TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        version_id INTEGER NOT NULL REFERENCES record_versions(id)
    );
    CREATE INDEX corrections_record ON corrections(paper_id, target_id);

    CREATE TABLE errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER REFERENCES runs(id),
        paper_id TEXT,
        target_id TEXT,
        stage TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TRIGGER record_versions_append_only_u BEFORE UPDATE ON record_versions
    BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;
    CREATE TRIGGER record_versions_append_only_d BEFORE DELETE ON record_versions
    BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;
    CREATE TRIGGER corrections_append_only_u BEFORE UPDATE ON corrections
    BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
    CREATE TRIGGER corrections_append_only_d BEFORE DELETE ON corrections
    BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END;
    """,
    # The extraction key gained the settings that change answers (extractor/key.py).
    """
    ALTER TABLE record_versions ADD COLUMN settings_hash TEXT;
    """,
    # Spot checks: a reviewer's verdict on a value the checks verified, drawn in the app's
    # seeded random sample; they measure the error rate of `verified` (extractor/review/
    # spot_checks.py). `version_id` is the human version that holds the decision.
    """
    CREATE TABLE spot_checks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        paper_id TEXT NOT NULL REFERENCES papers(paper_id),
        target_id TEXT NOT NULL DEFAULT '',
        field TEXT NOT NULL,
        model_version_id INTEGER NOT NULL REFERENCES record_versions(id),
        version_id INTEGER NOT NULL REFERENCES record_versions(id),
        seed INTEGER NOT NULL,
        wrong INTEGER NOT NULL CHECK (wrong IN (0, 1)),
        checked_by TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX spot_checks_value ON spot_checks(paper_id, target_id, field);
    CREATE TRIGGER spot_checks_append_only_u BEFORE UPDATE ON spot_checks
    BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
    CREATE TRIGGER spot_checks_append_only_d BEFORE DELETE ON spot_checks
    BEGIN SELECT RAISE(ABORT, 'spot checks are append-only'); END;
    """,
    # The registration ids a parsed paper names, most mentioned first (JSON list), kept
    # beside its document so `status` and `synthesize` need not load every document to
    # count each trial once. NULL (stores from before): filled the first time it is read.
    """
    ALTER TABLE documents ADD COLUMN registrations_json TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(LitextractError):
    """The store cannot be opened or used (message names the file)."""


@dataclass(frozen=True)
class PaperRow:
    paper_id: str
    seq: int
    sha256: str
    path: str
    doi: str | None
    title: str | None
    title_norm: str | None
    status: str
    duplicate_of: str | None
    duplicate_reason: str | None
    error: str | None
    source: str | None
    added_at: str


@dataclass(frozen=True)
class VersionRow:
    id: int
    paper_id: str
    target_id: str | None
    version: int
    run_id: int | None
    origin: str
    record: dict[str, Extracted[Any]]
    provenance: dict[str, Any]
    target: dict[str, Any] | None
    key: ExtractionKey | None
    created_at: str


@dataclass(frozen=True)
class CorrectionRow:
    id: int
    paper_id: str
    target_id: str | None
    field: str
    value: Any
    status: str
    evidence: list[dict[str, Any]]
    corrected_by: str
    why: str
    created_at: str
    version_id: int


@dataclass(frozen=True)
class SpotCheckRow:
    id: int
    paper_id: str
    target_id: str | None
    field: str
    model_version_id: int  # the model version whose verified value was checked
    version_id: int  # the human version holding the reviewer's decision
    seed: int  # the sample it was drawn in
    wrong: bool
    checked_by: str
    created_at: str


@dataclass(frozen=True)
class RunRow:
    id: int
    started_at: str
    finished_at: str | None
    status: str
    pid: int | None
    config: dict[str, Any]
    summary: dict[str, Any]
    papers_processed: int
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    errors: int


def _tid(target_id: str | None) -> str:
    # SQLite treats NULLs as distinct in UNIQUE constraints; '' stands for "no target".
    return target_id or ""


def _untid(target_id: str) -> str | None:
    return target_id or None


class ReviewStore:
    """Typed access to `review.sqlite`. One instance per thread; writes are short transactions."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL survives a killed process (only power loss can drop the last commit).
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable review store ({exc})") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema v{current} is newer than this litextract "
                f"(v{SCHEMA_VERSION}); upgrade litextract"
            )
        for version in range(current, SCHEMA_VERSION):
            with self.transaction() as conn:
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={version + 1}")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- papers ---------------------------------------------------------------------------

    def add_paper(
        self,
        paper_id: str,
        *,
        sha256: str,
        path: str,
        source: str,
        doi: str | None = None,
        title: str | None = None,
        title_norm: str | None = None,
    ) -> PaperRow:
        with self.transaction() as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM papers").fetchone()[0]
            conn.execute(
                "INSERT INTO papers (paper_id, seq, sha256, path, doi, title, title_norm, "
                "status, source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)",
                (paper_id, seq, sha256, path, doi, title, title_norm, source, now_iso()),
            )
        paper = self.paper(paper_id)
        assert paper is not None
        return paper

    def update_paper(self, paper_id: str, **changes: Any) -> None:
        allowed = {
            "sha256",
            "path",
            "doi",
            "title",
            "title_norm",
            "status",
            "duplicate_of",
            "duplicate_reason",
            "error",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update paper columns {sorted(unknown)}")
        if not changes:
            return
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE papers SET {assignments} WHERE paper_id = ?",
                (*changes.values(), paper_id),
            )

    def paper(self, paper_id: str) -> PaperRow | None:
        row = self.conn.execute("SELECT * FROM papers WHERE paper_id = ?", (paper_id,)).fetchone()
        return PaperRow(**dict(row)) if row else None

    def papers(self, *statuses: str) -> list[PaperRow]:
        if statuses:
            marks = ", ".join("?" for _ in statuses)
            rows = self.conn.execute(
                f"SELECT * FROM papers WHERE status IN ({marks}) ORDER BY seq", statuses
            )
        else:
            rows = self.conn.execute("SELECT * FROM papers ORDER BY seq")
        return [PaperRow(**dict(r)) for r in rows]

    # -- parsed documents -----------------------------------------------------------------

    def save_document(self, document: Document) -> None:
        found = json.dumps(registrations(document.text))
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO documents "
                "(sha256, document_json, parsed_at, registrations_json) VALUES (?, ?, ?, ?)",
                (document.source.sha256, document.model_dump_json(), now_iso(), found),
            )

    def registrations(self, sha256: str) -> list[str]:
        """The registration ids a parsed paper names, most mentioned first ([] when none,
        or when the paper has no parsed document)."""
        row = self.conn.execute(
            "SELECT registrations_json FROM documents WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return []
        if row[0] is not None:
            return list(json.loads(row[0]))
        document = self.document(sha256)
        found = registrations(document.text) if document is not None else []
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET registrations_json = ? WHERE sha256 = ?",
                (json.dumps(found), sha256),
            )
        return found

    def document(self, sha256: str) -> Document | None:
        row = self.conn.execute(
            "SELECT document_json FROM documents WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def has_document(self, sha256: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, config: dict[str, Any], pid: int) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (started_at, status, pid, config_json) "
                "VALUES (?, 'running', ?, ?)",
                (now_iso(), pid, json.dumps(config, sort_keys=True)),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, *, status: str, summary: dict[str, Any]) -> None:
        totals = self.conn.execute(
            "SELECT COUNT(DISTINCT paper_id) FROM record_versions WHERE run_id = ?", (run_id,)
        ).fetchone()[0]
        n_errors = self.conn.execute(
            "SELECT COUNT(*) FROM errors WHERE run_id = ?", (run_id,)
        ).fetchone()[0]
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, summary_json = ?, "
                "papers_processed = ?, errors = ? WHERE id = ?",
                (now_iso(), status, json.dumps(summary), totals, n_errors, run_id),
            )

    def add_run_usage(
        self, run_id: int, *, requests: int, prompt_tokens: int, completion_tokens: int, cost: float
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET requests = requests + ?, prompt_tokens = prompt_tokens + ?, "
                "completion_tokens = completion_tokens + ?, cost_usd = cost_usd + ? WHERE id = ?",
                (requests, prompt_tokens, completion_tokens, cost, run_id),
            )

    def close_abandoned_runs(self) -> list[int]:
        """Runs still 'running' when no update holds the lock were killed: say so."""
        ids = [r[0] for r in self.conn.execute("SELECT id FROM runs WHERE status = 'running'")]
        for run_id in ids:
            self.finish_run(run_id, status="interrupted", summary={"interrupted": True})
        return ids

    def runs(self) -> list[RunRow]:
        return [_run_row(r) for r in self.conn.execute("SELECT * FROM runs ORDER BY id")]

    def run(self, run_id: int) -> RunRow | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run_row(row) if row else None

    # -- record versions ------------------------------------------------------------------

    def add_version(
        self,
        *,
        paper_id: str,
        target_id: str | None,
        origin: str,
        record: Mapping[str, Extracted[Any] | dict[str, Any]],
        provenance: dict[str, Any],
        target: dict[str, Any] | None = None,
        key: ExtractionKey | None = None,
        run_id: int | None = None,
        usage: tuple[int, int, int, float] | None = None,
        corrections: Sequence[dict[str, Any]] = (),
    ) -> VersionRow:
        """Insert the next version of (paper, target); with `corrections`, in one transaction.

        `usage` (requests, prompt tokens, completion tokens, cost) is added to the run in
        the same transaction, so a run's totals always match its committed versions.
        """
        created = now_iso()
        with self.transaction() as conn:
            version = conn.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM record_versions "
                "WHERE paper_id = ? AND target_id = ?",
                (paper_id, _tid(target_id)),
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO record_versions (paper_id, target_id, version, run_id, origin, "
                "record_json, provenance_json, target_json, paper_sha256, form_hash, "
                "prompt_hash, backend, model, target_hash, settings_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    paper_id,
                    _tid(target_id),
                    version,
                    run_id,
                    origin,
                    json.dumps(to_jsonable_python(record), ensure_ascii=False),
                    json.dumps(provenance, ensure_ascii=False, default=str),
                    json.dumps(target, ensure_ascii=False) if target is not None else None,
                    key.paper_sha256 if key else None,
                    key.form_hash if key else None,
                    key.prompt_hash if key else None,
                    key.backend if key else None,
                    key.model if key else None,
                    key.target_hash if key else None,
                    key.settings_hash if key else None,
                    created,
                ),
            )
            version_id = int(cursor.lastrowid or 0)
            for c in corrections:
                conn.execute(
                    "INSERT INTO corrections (paper_id, target_id, field, value_json, status, "
                    "evidence_json, corrected_by, why, created_at, version_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        paper_id,
                        _tid(target_id),
                        c["field"],
                        json.dumps(c["value"], ensure_ascii=False),
                        c["status"],
                        json.dumps(c.get("evidence", []), ensure_ascii=False),
                        c["corrected_by"],
                        c.get("why", ""),
                        created,
                        version_id,
                    ),
                )
            if usage is not None and run_id is not None:
                requests, prompt_tokens, completion_tokens, cost = usage
                conn.execute(
                    "UPDATE runs SET requests = requests + ?, prompt_tokens = prompt_tokens + ?,"
                    " completion_tokens = completion_tokens + ?, cost_usd = cost_usd + ? "
                    "WHERE id = ?",
                    (requests, prompt_tokens, completion_tokens, cost, run_id),
                )
        row = self.conn.execute(
            "SELECT * FROM record_versions WHERE id = ?", (version_id,)
        ).fetchone()
        return _version_row(row)

    def versions(
        self, paper_id: str | None = None, target_id: str | None = None
    ) -> list[VersionRow]:
        """All versions (of one paper, optionally one target), oldest first."""
        sql = "SELECT * FROM record_versions"
        args: list[Any] = []
        if paper_id is not None:
            sql += " WHERE paper_id = ?"
            args.append(paper_id)
            if target_id is not None:
                sql += " AND target_id = ?"
                args.append(_tid(target_id))
        sql += " ORDER BY id"
        return [_version_row(r) for r in self.conn.execute(sql, args)]

    def latest_model_keys(self) -> dict[tuple[str, str | None], ExtractionKey]:
        """(paper, target) -> the key of its newest model version."""
        rows = self.conn.execute(
            "SELECT v.* FROM record_versions v JOIN ("
            "  SELECT paper_id, target_id, MAX(id) AS id FROM record_versions"
            "  WHERE origin = 'model' GROUP BY paper_id, target_id"
            ") latest ON v.id = latest.id"
        )
        out: dict[tuple[str, str | None], ExtractionKey] = {}
        for r in rows:
            out[(r["paper_id"], _untid(r["target_id"]))] = _key(r)
        return out

    # -- corrections ----------------------------------------------------------------------

    def corrections(self, paper_id: str | None = None) -> list[CorrectionRow]:
        sql = "SELECT * FROM corrections"
        args: tuple[Any, ...] = ()
        if paper_id is not None:
            sql += " WHERE paper_id = ?"
            args = (paper_id,)
        rows = self.conn.execute(sql + " ORDER BY id", args)
        return [
            CorrectionRow(
                id=r["id"],
                paper_id=r["paper_id"],
                target_id=_untid(r["target_id"]),
                field=r["field"],
                value=json.loads(r["value_json"]),
                status=r["status"],
                evidence=json.loads(r["evidence_json"]),
                corrected_by=r["corrected_by"],
                why=r["why"],
                created_at=r["created_at"],
                version_id=r["version_id"],
            )
            for r in rows
        ]

    # -- spot checks ----------------------------------------------------------------------

    def add_spot_check(
        self,
        *,
        paper_id: str,
        target_id: str | None,
        field: str,
        model_version_id: int,
        version_id: int,
        seed: int,
        wrong: bool,
        checked_by: str,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO spot_checks (paper_id, target_id, field, model_version_id, "
                "version_id, seed, wrong, checked_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    paper_id,
                    _tid(target_id),
                    field,
                    model_version_id,
                    version_id,
                    seed,
                    int(wrong),
                    checked_by,
                    now_iso(),
                ),
            )

    def spot_checks(self) -> list[SpotCheckRow]:
        rows = self.conn.execute("SELECT * FROM spot_checks ORDER BY id")
        return [
            SpotCheckRow(
                id=r["id"],
                paper_id=r["paper_id"],
                target_id=_untid(r["target_id"]),
                field=r["field"],
                model_version_id=r["model_version_id"],
                version_id=r["version_id"],
                seed=r["seed"],
                wrong=bool(r["wrong"]),
                checked_by=r["checked_by"],
                created_at=r["created_at"],
            )
            for r in rows
        ]

    # -- errors ---------------------------------------------------------------------------

    def add_error(
        self,
        run_id: int | None,
        *,
        stage: str,
        message: str,
        paper_id: str | None = None,
        target_id: str | None = None,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO errors (run_id, paper_id, target_id, stage, message, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, paper_id, target_id, stage, message, now_iso()),
            )

    def errors(self, run_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM errors"
        args: tuple[Any, ...] = ()
        if run_id is not None:
            sql += " WHERE run_id = ?"
            args = (run_id,)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]


def _split_sql(script: str) -> list[str]:
    # Trigger bodies contain ';', so split on complete statements as SQLite sees them.
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _key(row: sqlite3.Row) -> ExtractionKey | None:
    if row["form_hash"] is None:
        return None
    return ExtractionKey(
        paper_sha256=row["paper_sha256"],
        form_hash=row["form_hash"],
        prompt_hash=row["prompt_hash"],
        backend=row["backend"],
        model=row["model"],
        target_hash=row["target_hash"] or "",
        settings_hash=row["settings_hash"] or "",
    )


def stored_record(cells: dict[str, Any]) -> dict[str, Extracted[Any]]:
    """A stored record's cells as typed values (cells of older versions take defaults)."""
    return {name: Extracted[Any].model_validate(cell) for name, cell in cells.items()}


def _version_row(r: sqlite3.Row) -> VersionRow:
    return VersionRow(
        id=r["id"],
        paper_id=r["paper_id"],
        target_id=_untid(r["target_id"]),
        version=r["version"],
        run_id=r["run_id"],
        origin=r["origin"],
        record=stored_record(json.loads(r["record_json"])),
        provenance=json.loads(r["provenance_json"]),
        target=stored_target(json.loads(r["target_json"]) if r["target_json"] else None),
        key=_key(r),
        created_at=r["created_at"],
    )


def _run_row(r: sqlite3.Row) -> RunRow:
    return RunRow(
        id=r["id"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        status=r["status"],
        pid=r["pid"],
        config=json.loads(r["config_json"]),
        summary=json.loads(r["summary_json"]) if r["summary_json"] else {},
        papers_processed=r["papers_processed"],
        requests=r["requests"],
        prompt_tokens=r["prompt_tokens"],
        completion_tokens=r["completion_tokens"],
        cost_usd=r["cost_usd"],
        errors=r["errors"],
    )
