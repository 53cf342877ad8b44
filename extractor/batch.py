"""`extract`'s sink: records into `records.jsonl` + `errors.jsonl`, losing nothing.

Each finished record is appended and flushed at once, so a killed batch keeps
what it finished. A re-run into the same folder skips every (paper, target)
whose record carries the same extraction key (extractor/key.py: paper, form,
prompt, backend, model, target content, settings), re-extracts stale ones and,
at the end, rewrites both files atomically: one line per (paper, target), the
newest; errors of papers that now succeed are dropped. The pool, progress and
error capture are the one job runner's (extractor/jobs.py).

The whole run holds the output folder's lock (extractor/folder_lock.py): the sink's
compaction is right for one run and would lose a second run's records (issue 21).
Papers are named by extractor/paper_ids.py, so two files of one name in a folder
batch are two papers, not one record replacing another.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from extractor.document import Document
from extractor.fileio import atomic_write_text
from extractor.folder_lock import FolderLock
from extractor.jobs import Job, RunSummary, Spent, run_jobs
from extractor.key import ExtractionKey
from extractor.paper_ids import assign_paper_ids
from extractor.pdf import iter_pdfs, parse_many
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.errors import InputError, LitextractError
from schemas.record import RecordLine

RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"

Key = tuple[str, str | None]  # (paper_id, target_id)


@dataclass
class BatchSummary(RunSummary):
    papers: int = 0
    skipped: int = 0  # already up to date in out_dir
    renamed: list[str] = field(default_factory=list)  # repeated file names given new ids
    unmatched_targets: list[str] = field(default_factory=list)  # paper ids not among inputs


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Lines of a JSONL file; a torn last line (a killed run) is skipped."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    atomic_write_text(path, "".join(line + "\n" for line in lines))


class JsonlSink:
    """Appends lines as they finish; `close` compacts the files."""

    def __init__(
        self, out_dir: Path, on_record: Callable[[RecordLine], None] | None = None
    ) -> None:
        self.out_dir = out_dir
        self.on_record = on_record
        self.records_path = out_dir / RECORDS
        self.errors_path = out_dir / ERRORS
        self.existing: dict[Key, RecordLine] = {}
        for item in _read_jsonl(self.records_path):
            try:
                line = RecordLine.model_validate(item)
            except ValidationError:
                continue  # not a record line: dropped when the file is compacted
            self.existing[(line.paper_id, line.target_id)] = line
        self.old_errors = _read_jsonl(self.errors_path)
        self._lock = threading.Lock()
        # Rewrite first: a torn line from a killed run must not be appended to.
        self._compact(self.existing.values(), self.old_errors)
        self._records = self.records_path.open("a", encoding="utf-8")
        self._errors = self.errors_path.open("a", encoding="utf-8")
        self.new_errors: list[dict[str, Any]] = []

    def _compact(self, records: Iterable[RecordLine], errors: Iterable[dict[str, Any]]) -> None:
        _write_lines(self.records_path, (r.model_dump_json() for r in records))
        _write_lines(self.errors_path, (json.dumps(e, ensure_ascii=False) for e in errors))

    def key(self, paper_id: str, target_id: str | None) -> ExtractionKey | None:
        line = self.existing.get((paper_id, target_id))
        return ExtractionKey.of(line.provenance) if line is not None else None

    def record(self, job: Job, line: RecordLine) -> None:
        with self._lock:
            self._records.write(line.model_dump_json() + "\n")
            self._records.flush()
            self.existing[(line.paper_id, line.target_id)] = line
        if self.on_record is not None:
            self.on_record(line)

    def error(self, job: Job, message: str, kind: str, spent: Spent) -> None:
        item = {
            "paper_id": job.paper_id,
            "target_id": job.target_id,
            "error": " ".join(message.split()),
            "kind": kind,
        }
        with self._lock:
            self._errors.write(json.dumps(item, ensure_ascii=False) + "\n")
            self._errors.flush()
            self.new_errors.append(item)

    def close(self, papers_seen: set[str]) -> None:
        with self._lock:
            self._records.close()
            self._errors.close()
            kept = [e for e in self.old_errors if e.get("paper_id") not in papers_seen]
            self._compact(self.existing.values(), kept + self.new_errors)


def _parse_all(
    items: Sequence[Path | str | Document], renamed: list[str]
) -> Iterator[tuple[str, Document | Exception]]:
    docs = [d for d in items if isinstance(d, Document)]
    paths = iter_pdfs([Path(p) for p in items if not isinstance(p, Document)])
    for doc in docs:
        yield doc.paper_id, doc
    if not paths:
        return
    ids = assign_paper_ids(paths)
    renamed.extend(ids.renamed)
    # Our own progress bar is live: a second live display would clash.
    for path, result in parse_many(paths, progress=False):
        paper_id = ids.of(path)
        yield paper_id, result.with_paper_id(paper_id) if isinstance(result, Document) else result


def run_batch(
    pdfs: Sequence[Path | str | Document],
    maker: RecordMaker,
    *,
    out_dir: Path,
    targets: dict[str, list[Target]] | None = None,
    concurrency: int = 4,
    progress: bool = True,
    on_record: Callable[[RecordLine], None] | None = None,
) -> BatchSummary:
    """Extract every paper (every target of it, for targeted forms) into `out_dir`.

    `pdfs` are PDF files or folders (searched for PDFs), or already parsed Documents.
    Papers are parsed while the first ones are extracted.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    form = maker.form
    if form.targeted and targets is None:
        raise LitextractError(f"form {form.name} is targeted: give --targets TARGETS.jsonl")
    with FolderLock(out_dir):
        return _run_locked(pdfs, maker, out_dir, targets, concurrency, progress, on_record)


def _run_locked(
    pdfs: Sequence[Path | str | Document],
    maker: RecordMaker,
    out_dir: Path,
    targets: dict[str, list[Target]] | None,
    concurrency: int,
    progress: bool,
    on_record: Callable[[RecordLine], None] | None,
) -> BatchSummary:
    form = maker.form
    sink = JsonlSink(out_dir, on_record=on_record)
    counts = BatchSummary()
    papers_seen: set[str] = set()

    def failed(paper_id: str, exc: Exception) -> Job:
        def load() -> Document:
            raise exc

        key = ExtractionKey("", "", "", "", "")
        return Job(paper_id, None, None, key, load)

    def plan() -> Iterator[Job]:
        for paper_id, parsed in _parse_all(pdfs, counts.renamed):
            papers_seen.add(paper_id)
            counts.papers += 1
            if isinstance(parsed, Exception):
                yield failed(paper_id, parsed)
                continue
            wanted: list[Target | None] = (
                list((targets or {}).get(paper_id, [])) if form.targeted else [None]
            )
            if not wanted:
                yield failed(paper_id, InputError(paper_id, "no targets for this paper"))
                continue
            for target in wanted:
                target_id = target.target_id if target else None
                key = maker.key_for(parsed.source.sha256, target)
                done = sink.key(paper_id, target_id)
                if done == key:
                    counts.skipped += 1
                    continue
                yield Job(
                    paper_id, target_id, target, key, (lambda d=parsed: d), stale=done is not None
                )

    try:
        run = run_jobs(plan(), maker, sink, concurrency=concurrency, progress=progress)
    finally:
        sink.close(papers_seen)
    unmatched = sorted(set(targets or {}) - papers_seen) if form.targeted else []
    return BatchSummary(
        **vars(run),
        papers=counts.papers,
        skipped=counts.skipped,
        renamed=counts.renamed,
        unmatched_targets=unmatched,
    )
