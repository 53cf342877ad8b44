"""The review behind the app: its form, its store (one connection per thread) and a
snapshot of the current records that is rebuilt only when the store has changed."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from extractor.document import Document
from extractor.review.app.pages import PageWords
from extractor.review.app.queue import QueueItem, queue_items
from extractor.review.config import ReviewConfig, ReviewPaths, load_config
from extractor.review.records import CurrentRecord, RecordKey, current_records
from extractor.review.store import PaperRow, ReviewStore
from schemas.errors import InputError
from schemas.form import Form


@dataclass(frozen=True)
class Snapshot:
    generation: tuple[int, int]  # newest version id, newest correction id
    papers: frozenset[str]  # the parsed papers it was built from
    records: dict[RecordKey, CurrentRecord]
    items: list[QueueItem]


class Workspace:
    """Read access for the pages; writes go through `corrections.save_correction`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.paths = ReviewPaths(self.root)
        self.config: ReviewConfig = load_config(self.root)
        if not self.paths.store.is_file():
            raise InputError(self.paths.store, "no review store; run `litextract update` first")
        self.form: Form = self.config.load_form(self.root)
        # Rendered pages are derived data: kept beside the store, keyed by the PDF's hash.
        self.page_cache = self.root / ".page-cache"
        self.words = PageWords()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._documents: dict[str, Document] = {}

    def store(self) -> ReviewStore:
        # SQLite connections must stay in the thread that made them.
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = ReviewStore(self.paths.store)
        return store

    def snapshot(self) -> Snapshot:
        """The current records and queue; after a save only the changed papers are re-read."""
        store = self.store()
        generation = (
            int(
                store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM record_versions").fetchone()[0]
            ),
            int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM corrections").fetchone()[0]),
        )
        with self._lock:
            old = self._snapshot
        if old is not None and old.generation == generation:
            return old
        papers = {p.paper_id: p for p in store.papers("parsed")}
        if old is None or old.papers != set(papers):
            records = current_records(store)
        else:
            changed = {
                row[0]
                for row in store.conn.execute(
                    "SELECT paper_id FROM record_versions WHERE id > ? "
                    "UNION SELECT paper_id FROM corrections WHERE id > ?",
                    old.generation,
                )
            }
            records = {k: r for k, r in old.records.items() if k[0] not in changed}
            for paper_id in changed:
                records.update(current_records(store, paper_id=paper_id))
        records = {k: r for k, r in records.items() if k[0] in papers}
        items = queue_items(self.form, records, papers)
        snapshot = Snapshot(generation, frozenset(papers), records, items)
        with self._lock:
            if self._snapshot is None or self._snapshot.generation <= generation:
                self._snapshot = snapshot
        return snapshot

    def paper(self, paper_id: str) -> PaperRow | None:
        paper = self.store().paper(paper_id)
        return paper if paper is not None and paper.status == "parsed" else None

    def pdf_path(self, paper: PaperRow) -> Path | None:
        """The paper's PDF, only if it lies inside this review (anything else is a 404)."""
        path = (self.root / paper.path).resolve()
        if not path.is_relative_to(self.root) or path.suffix.lower() != ".pdf":
            return None
        return path if path.is_file() else None

    def document(self, paper: PaperRow) -> Document | None:
        with self._lock:
            cached = self._documents.get(paper.sha256)
        if cached is None:
            cached = self.store().document(paper.sha256)
            if cached is not None:
                with self._lock:
                    self._documents[paper.sha256] = cached
        return cached
