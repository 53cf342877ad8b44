"""The SQLite store: migrations, append-only versions, version numbers, transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from doubles.documents import make_document

from extractor.key import ExtractionKey
from extractor.review.store import SCHEMA_VERSION, ReviewStore, StoreError


def _store_with_paper(tmp_path: Path) -> ReviewStore:
    store = ReviewStore(tmp_path / "review.sqlite")
    store.add_paper("p1", sha256="a" * 64, path="papers/p1.pdf", source="cli")
    return store


def test_new_store_is_migrated_wal_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    with ReviewStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        store.add_paper("p1", sha256="a" * 64, path="papers/p1.pdf", source="cli")
    with ReviewStore(path) as store:  # reopening runs no migration twice and keeps data
        assert [p.paper_id for p in store.papers()] == ["p1"]


def test_store_from_a_newer_litextract_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    ReviewStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this litextract"):
        ReviewStore(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=str(path)):
        ReviewStore(path)


def test_versions_number_up_and_are_append_only(tmp_path: Path) -> None:
    store = _store_with_paper(tmp_path)
    key = ExtractionKey("a" * 64, "f", "p", "fake", "m")
    v1 = store.add_version(
        paper_id="p1", target_id=None, origin="model", record={"x": {}}, provenance={}, key=key
    )
    v2 = store.add_version(
        paper_id="p1", target_id=None, origin="human", record={"x": {}}, provenance={}
    )
    t1 = store.add_version(
        paper_id="p1", target_id="7", origin="model", record={}, provenance={}, key=key
    )
    assert (v1.version, v2.version, t1.version) == (1, 2, 1)
    assert store.latest_model_keys() == {("p1", None): key, ("p1", "7"): key}
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE record_versions SET record_json = '{}'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM record_versions")
    assert len(store.versions("p1")) == 3


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = _store_with_paper(tmp_path)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(
            "INSERT INTO errors (run_id, stage, message, created_at) VALUES (NULL, 's', 'm', 't')"
        )
        raise RuntimeError("crash inside the transaction")
    assert store.errors() == []


def test_run_usage_is_committed_with_each_version(tmp_path: Path) -> None:
    store = _store_with_paper(tmp_path)
    run_id = store.start_run({"model": "m"}, pid=1)
    store.add_version(
        paper_id="p1",
        target_id=None,
        origin="model",
        record={},
        provenance={},
        run_id=run_id,
        usage=(3, 100, 20, 0.5),
    )
    run = store.run(run_id)
    assert run is not None
    assert (run.requests, run.prompt_tokens, run.completion_tokens, run.cost_usd) == (
        3,
        100,
        20,
        0.5,
    )
    assert store.close_abandoned_runs() == [run_id]
    finished = store.run(run_id)
    assert finished is not None and finished.status == "interrupted"
    assert finished.papers_processed == 1


def test_registrations_are_kept_beside_the_document_and_filled_for_older_rows(
    tmp_path: Path,
) -> None:
    document = make_document(
        ["Methods\nRegistered as NCT01234567 and ISRCTN12345678 (NCT01234567)."]
    )
    sha = document.source.sha256
    with ReviewStore(tmp_path / "review.sqlite") as store:
        assert store.registrations(sha) == []  # not parsed yet
        store.save_document(document)
        stored = store.conn.execute("SELECT registrations_json FROM documents").fetchone()[0]
        assert stored == '["NCT01234567", "ISRCTN12345678"]'
        # A row saved before the column existed holds NULL: read once from the document.
        store.conn.execute("UPDATE documents SET registrations_json = NULL")
        assert store.registrations(sha) == ["NCT01234567", "ISRCTN12345678"]
        stored = store.conn.execute("SELECT registrations_json FROM documents").fetchone()[0]
        assert stored == '["NCT01234567", "ISRCTN12345678"]'
