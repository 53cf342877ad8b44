"""Extract many papers into `records.jsonl` + `errors.jsonl`, losing nothing.

Each finished record is appended and flushed at once, so a killed batch keeps
what it finished. A re-run into the same folder skips every (paper, target)
whose record has the same provenance key (paper sha256, form hash, prompt
hash, backend, model), re-extracts stale ones and, at the end, rewrites both
files atomically: one line per (paper, target), the newest; errors of papers
that now succeed are dropped.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.document import Document
from extractor.errors import LitextractError
from extractor.extract import ExtractionError, Extractor, Target
from extractor.fileio import atomic_write_text
from schemas.record import RecordLine, TokenUsage

RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"

Key = tuple[str, str | None]  # (paper_id, target_id)


@dataclass
class BatchSummary:
    papers: int = 0
    records: int = 0  # written in this run
    skipped: int = 0  # already up to date in out_dir
    errors: int = 0
    requests: int = 0
    cache_hits: int = 0  # records answered entirely from the response cache
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost_usd: float | None = None
    seconds: float = 0.0
    error_lines: list[dict[str, Any]] = field(default_factory=list)


def provenance_key(line: RecordLine) -> tuple[str, ...]:
    p = line.provenance
    return (p.paper_sha256, p.form_hash, p.prompt_hash, p.backend, p.model)


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


class _Outbox:
    """Appends lines as they finish; `close` compacts the files."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
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

    def record(self, line: RecordLine) -> None:
        with self._lock:
            self._records.write(line.model_dump_json() + "\n")
            self._records.flush()
            self.existing[(line.paper_id, line.target_id)] = line

    def error(self, paper_id: str, target_id: str | None, message: str, kind: str) -> None:
        item = {
            "paper_id": paper_id,
            "target_id": target_id,
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


def _paper_id(item: Path | str | Document) -> str:
    return item.paper_id if isinstance(item, Document) else Path(item).stem


def _parse_all(
    items: Sequence[Path | str | Document],
) -> Iterator[tuple[str, Document | Exception]]:
    docs = [d for d in items if isinstance(d, Document)]
    paths = [Path(p) for p in items if not isinstance(p, Document)]
    for doc in docs:
        yield doc.paper_id, doc
    if not paths:
        return
    from extractor.pdf import iter_pdfs, parse_many

    # Our own progress bar is live: a second live display would clash.
    for path, result in parse_many(iter_pdfs(paths), progress=False):
        yield Path(path).stem, result


def run_batch(
    pdfs: Sequence[Path | str | Document],
    extractor: Extractor,
    *,
    out_dir: Path,
    targets: dict[str, list[Target]] | None = None,
    concurrency: int = 4,
    progress: bool = True,
    on_record: Callable[[RecordLine], None] | None = None,
) -> BatchSummary:
    """Extract every paper (every target of it, for targeted forms) into `out_dir`.

    `pdfs` are PDF files or folders (searched for PDFs), or already parsed Documents.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    form = extractor.form
    if form.targeted and targets is None:
        raise LitextractError(f"form {form.name} is targeted: give --targets TARGETS.jsonl")
    outbox = _Outbox(out_dir)
    summary = BatchSummary()
    costs: list[float] = []
    papers_seen: set[str] = set()
    started = time.perf_counter()
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not progress,
        transient=False,
    )
    parse_task = bar.add_task("parsing", total=None)
    task = bar.add_task("extracting", total=0)

    def fingerprint(document: Document) -> tuple[str, ...]:
        return (
            document.source.sha256,
            form.hash,
            extractor.prompt_hash,
            extractor.backend.name,
            extractor.backend.model,
        )

    def job(document: Document, target: Target | None) -> RecordLine:
        return extractor.extract(document, target)

    with bar, ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures: dict[Future[RecordLine], tuple[str, str | None]] = {}
        submitted = 0

        def collect(done: Iterable[Future[RecordLine]]) -> None:
            for future in done:
                paper_id, target_id = futures.pop(future)
                try:
                    line = future.result()
                except ExtractionError as exc:
                    summary.requests += exc.requests
                    outbox.error(paper_id, target_id, str(exc), exc.kind)
                except Exception as exc:  # a bug in one paper must not stop the batch
                    outbox.error(paper_id, target_id, f"{type(exc).__name__}: {exc}", "internal")
                else:
                    outbox.record(line)
                    summary.records += 1
                    summary.requests += line.provenance.requests
                    summary.usage = summary.usage + line.provenance.usage
                    summary.cache_hits += line.provenance.cached
                    if line.provenance.cost_usd is not None:
                        costs.append(line.provenance.cost_usd)
                    if on_record is not None:
                        on_record(line)
                bar.advance(task)

        for paper_id, parsed in _parse_all(pdfs):
            papers_seen.add(paper_id)
            summary.papers += 1
            bar.advance(parse_task)
            if isinstance(parsed, Exception):
                kind = "input" if isinstance(parsed, LitextractError) else "parse"
                outbox.error(paper_id, None, str(parsed) or type(parsed).__name__, kind)
                continue
            jobs: list[Target | None]
            if form.targeted:
                jobs = list((targets or {}).get(paper_id, []))
                if not jobs:
                    outbox.error(paper_id, None, f"{paper_id}: no targets for this paper", "input")
                    continue
            else:
                jobs = [None]
            for target in jobs:
                key = (paper_id, target.target_id if target else None)
                done = outbox.existing.get(key)
                if done is not None and provenance_key(done) == fingerprint(parsed):
                    summary.skipped += 1
                    continue
                submitted += 1
                bar.update(task, total=submitted)
                futures[pool.submit(job, parsed, target)] = key
            # Collect what finished while parsing went on, so lines hit disk early.
            collect([f for f in list(futures) if f.done()])
        bar.update(parse_task, total=summary.papers)
        while futures:
            finished, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            collect(finished)
    outbox.close(papers_seen)
    summary.error_lines = outbox.new_errors
    summary.errors = len(outbox.new_errors)
    summary.cost_usd = sum(costs) if costs else None
    summary.seconds = time.perf_counter() - started
    return summary
