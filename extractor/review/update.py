"""`litextract update`: bring a review up to date, doing only the work that is missing.

1. reconcile `papers/` with the store (new, changed and removed files; identical files);
2. parse papers that have no parsed document yet (each document committed on its own);
3. recognise the same paper under another name (DOI, normalised title);
4. extract every (paper, target) whose newest model version is missing or stale, i.e.
   was made for another file, form, prompt, backend, model or target. Each record is
   committed in its own transaction as soon as it is done, so a killed run loses only
   the papers in flight and the next run picks up exactly the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from extractor.document import Document
from extractor.errors import InputError
from extractor.review.config import ReviewConfig, ReviewPaths, load_config
from extractor.review.identity import normalise_doi, normalise_title
from extractor.review.library import mark_if_duplicate, scan_papers
from extractor.review.lock import ReviewLock
from extractor.review.store import ExtractionKey, PaperRow, ReviewStore
from schemas.form import Form
from schemas.record import RecordLine


class ExtractorLike(Protocol):
    prompt_hash: str
    form: Form

    def extract(self, document: Document, target: Any = None) -> RecordLine: ...


ParseMany = Callable[[list[Path]], Iterable[tuple[Path, Document | InputError]]]


@dataclass
class Pipeline:
    """What an update runs: built from the config, or handed in by tests."""

    form: Form
    extractor: ExtractorLike
    backend: str
    model: str
    parse_many: ParseMany
    targets: dict[str, list[Any]] | None = None  # targeted forms: paper_id -> targets
    close: Callable[[], None] = lambda: None


@dataclass
class UpdateSummary:
    run_id: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    parsed: int = 0
    new_records: int = 0
    stale: int = 0
    up_to_date: int = 0
    extracted: int = 0
    no_targets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    interrupted_runs: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Job:
    paper: PaperRow
    target: Any
    target_dict: dict[str, Any] | None
    key: ExtractionKey
    stale: bool


def build_pipeline(root: Path, config: ReviewConfig, *, progress: bool = True) -> Pipeline:
    """The real pieces: PDF parser, chat backend with the review's response cache, extractor."""
    from extractor.extract import Extractor, load_targets
    from extractor.llm import make_backend
    from extractor.llm.cache import ResponseCache
    from extractor.pdf import parse_many
    from schemas.registry import load_form

    try:
        form = load_form(config.form_ref(root))
        backend = make_backend(
            config.backend, config.model, base_url=config.base_url, timeout=config.timeout
        )
    except ValueError as exc:  # unknown form or backend: a settings problem
        raise InputError(ReviewPaths(root).config, str(exc)) from None
    cache = ResponseCache(ReviewPaths(root).cache)
    extractor = Extractor(form, backend, cache=cache, max_context_tokens=config.max_context_tokens)
    targets = None
    if form.targeted:
        path = config.targets_path(root)
        if path is None:
            raise InputError(
                ReviewPaths(root).config,
                f"form {form.name!r} is targeted: set `targets` to a targets.jsonl in the review",
            )
        targets = load_targets(path)

    def parse(paths: list[Path]) -> Iterator[tuple[Path, Document | InputError]]:
        return parse_many(paths, workers=min(2, os.cpu_count() or 1), progress=progress)

    return Pipeline(
        form=form,
        extractor=extractor,
        backend=getattr(backend, "name", config.backend),
        model=getattr(backend, "model", config.model),
        parse_many=parse,
        targets=targets,
        close=cache.close,
    )


def run_update(
    root: Path,
    *,
    pipeline: Pipeline | None = None,
    console: Console | None = None,
    progress: bool = True,
) -> UpdateSummary:
    """Run one update under the review lock; returns what it did (also recorded as a run)."""
    console = console or Console(stderr=True)
    config = load_config(root)
    paths = ReviewPaths(root)
    with ReviewLock(root), ReviewStore(paths.store) as store:
        summary = UpdateSummary()
        # We hold the lock, so any run still marked 'running' died without finishing.
        summary.interrupted_runs = store.close_abandoned_runs()
        pipeline = pipeline or build_pipeline(root, config, progress=progress)
        try:
            summary.run_id = store.start_run(config.snapshot(), os.getpid())
            status = "failed"
            started = time.monotonic()
            try:
                _update(root, store, pipeline, summary, console, progress, config.concurrency)
                status = "finished"
            except KeyboardInterrupt:
                status = "interrupted"
                raise
            finally:
                summary.seconds = time.monotonic() - started
                run = store.run(summary.run_id)
                if run is not None:
                    summary.requests = run.requests
                    summary.prompt_tokens = run.prompt_tokens
                    summary.completion_tokens = run.completion_tokens
                    summary.cost_usd = run.cost_usd
                store.finish_run(summary.run_id, status=status, summary=_recorded(summary))
        finally:
            pipeline.close()
    return summary


def _recorded(summary: UpdateSummary) -> dict[str, Any]:
    # The run row keeps counts and names, not the per-paper error texts (those are in `errors`).
    data = summary.as_dict()
    data["errors"] = len(summary.errors)
    return data


def _update(
    root: Path,
    store: ReviewStore,
    pipeline: Pipeline,
    summary: UpdateSummary,
    console: Console,
    progress: bool,
    concurrency: int,
) -> None:
    run_id = summary.run_id
    scan = scan_papers(store, root)
    summary.changed, summary.missing = scan.changed, scan.missing
    for message in scan.errors:
        _error(store, summary, run_id, "scan", message)

    # Papers registered by `add` since the last run are new too, not only dropped files.
    pending = [p.paper_id for p in store.papers("new") if p.paper_id not in scan.changed]
    summary.new = list(dict.fromkeys([*scan.new, *pending]))
    _parse_pending(root, store, pipeline, summary)
    summary.duplicates = [
        (p.paper_id, p.duplicate_of or "", p.duplicate_reason or "")
        for p in store.papers("duplicate")
    ]

    jobs = _plan_jobs(store, pipeline, summary)
    _extract(store, pipeline, jobs, summary, console, progress, concurrency)


def _parse_pending(
    root: Path, store: ReviewStore, pipeline: Pipeline, summary: UpdateSummary
) -> None:
    pending = store.papers("new")
    to_parse = [p for p in pending if not store.has_document(p.sha256)]
    by_path = {(root / p.path).resolve(): p for p in to_parse}
    if by_path:
        for path, result in pipeline.parse_many(list(by_path)):
            paper = by_path.get(Path(path).resolve())
            if paper is None:
                continue
            if isinstance(result, Exception):
                store.update_paper(paper.paper_id, status="error", error=str(result))
                _error(store, summary, summary.run_id, "parse", str(result), paper.paper_id)
                continue
            store.save_document(result)
            summary.parsed += 1
    for paper in pending:
        document = store.document(paper.sha256)
        if document is None:
            continue
        # Identifiers from a reference manager win over what the PDF's metadata says.
        doi = paper.doi or normalise_doi(document.metadata.doi)
        title = paper.title or document.metadata.title
        store.update_paper(
            paper.paper_id,
            status="parsed",
            error=None,
            doi=doi,
            title=title,
            title_norm=paper.title_norm or normalise_title(title),
        )
        refreshed = store.paper(paper.paper_id)
        assert refreshed is not None
        mark_if_duplicate(store, refreshed)


def _plan_jobs(store: ReviewStore, pipeline: Pipeline, summary: UpdateSummary) -> list[Job]:
    latest = store.latest_model_keys()
    jobs: list[Job] = []
    for paper, target, target_dict, key in _wanted(store, pipeline):
        if target is None and pipeline.form.targeted:
            summary.no_targets.append(paper.paper_id)
            continue
        target_id = str(target_dict["target_id"]) if target_dict else None
        previous = latest.get((paper.paper_id, target_id))
        if previous == key:
            summary.up_to_date += 1
            continue
        stale = previous is not None
        summary.stale += stale
        summary.new_records += not stale
        jobs.append(Job(paper, target, target_dict, key, stale))
    return jobs


def _wanted(
    store: ReviewStore, pipeline: Pipeline
) -> Iterator[tuple[PaperRow, Any, dict[str, Any] | None, ExtractionKey]]:
    """Every (paper, target) the review should have, with the key its record must carry.

    For a targeted form, a paper without targets yields one (paper, None, ...) entry.
    """
    form = pipeline.form
    for paper in store.papers("parsed"):
        targets = (pipeline.targets or {}).get(paper.paper_id, []) if form.targeted else [None]
        if form.targeted and not targets:
            yield paper, None, None, ExtractionKey(paper.sha256, "", "", "", "")
            continue
        for target in targets:
            target_dict = _target_dict(target)
            key = ExtractionKey(
                paper_sha256=paper.sha256,
                form_hash=form.hash,
                prompt_hash=pipeline.extractor.prompt_hash,
                backend=pipeline.backend,
                model=pipeline.model,
                target_hash=_hash_json(target_dict) if target_dict else "",
            )
            yield paper, target, target_dict, key


def expected_keys(
    root: Path, config: ReviewConfig, store: ReviewStore
) -> dict[tuple[str, str | None], ExtractionKey]:
    """What an update now would want each record's key to be (for `status`; no backend made)."""
    from types import SimpleNamespace

    from extractor.extract import Extractor, load_targets
    from schemas.registry import load_form

    form = load_form(config.form_ref(root))
    placeholder = SimpleNamespace(name=config.backend, model=config.model, context_window=None)
    extractor = Extractor(form, placeholder)  # type: ignore[arg-type]  # only hashes prompts
    path = config.targets_path(root)
    targets = load_targets(path) if form.targeted and path and path.is_file() else None
    pipeline = Pipeline(form, extractor, config.backend, config.model, lambda _: [], targets)
    out = {}
    for paper, target, target_dict, key in _wanted(store, pipeline):
        if target is not None or not form.targeted:
            out[(paper.paper_id, str(target_dict["target_id"]) if target_dict else None)] = key
    return out


def _extract(
    store: ReviewStore,
    pipeline: Pipeline,
    jobs: list[Job],
    summary: UpdateSummary,
    console: Console,
    progress: bool,
    concurrency: int,
) -> None:
    if not jobs:
        return
    bar = Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[paper]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not progress,
        transient=False,
    )

    def submit(job: Job) -> None:
        # Documents are read here, in the thread that owns the store connection.
        document = store.document(job.paper.sha256)
        if document is None:
            failed: Future[RecordLine] = Future()
            failed.set_exception(InputError(job.paper.path, "parsed document missing from store"))
            in_flight[failed] = job
            return
        # Documents are shared by identical files: show the extractor this paper's own path.
        here = str(store.path.parent / job.paper.path)
        source = document.source.model_copy(update={"path": here})
        document = document.model_copy(update={"source": source})
        in_flight[pool.submit(pipeline.extractor.extract, document, job.target)] = job

    queue = iter(jobs)
    in_flight: dict[Future[RecordLine], Job] = {}
    with bar, ThreadPoolExecutor(max_workers=concurrency) as pool:
        task = bar.add_task("extract", total=len(jobs), paper="")
        try:
            # Keep a bounded number of jobs in flight so a kill loses at most these.
            for job in _take(queue, concurrency):
                submit(job)
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    job = in_flight.pop(future)
                    _commit(store, summary, job, future)
                    bar.update(task, advance=1, paper=job.paper.paper_id)
                for job in _take(queue, len(done)):
                    submit(job)
        except BaseException:
            for future in in_flight:
                future.cancel()
            raise


def _commit(
    store: ReviewStore, summary: UpdateSummary, job: Job, future: Future[RecordLine]
) -> None:
    target_id = str(job.target_dict["target_id"]) if job.target_dict else None
    try:
        line = future.result()
    except Exception as exc:  # one paper's failure must not stop the batch
        message = f"{job.paper.path}: {_describe(exc)}"
        _error(store, summary, summary.run_id, "extract", message, job.paper.paper_id, target_id)
        spent = getattr(exc, "requests", 0)  # failed attempts still cost requests
        if isinstance(spent, int) and spent:
            store.add_run_usage(
                summary.run_id, requests=spent, prompt_tokens=0, completion_tokens=0, cost=0.0
            )
        return
    provenance = line.provenance
    usage = provenance.usage
    store.add_version(
        paper_id=job.paper.paper_id,
        target_id=target_id,
        origin="model",
        record={name: value.model_dump(mode="json") for name, value in line.record.items()},
        provenance=provenance.model_dump(mode="json"),
        target=job.target_dict,
        key=job.key,
        run_id=summary.run_id,
        usage=(
            provenance.requests,
            usage.prompt_tokens,
            usage.completion_tokens,
            provenance.cost_usd or 0.0,
        ),
    )
    summary.extracted += 1


def _take(iterator: Iterator[Job], n: int) -> list[Job]:
    out = []
    for _ in range(n):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out


def _error(
    store: ReviewStore,
    summary: UpdateSummary,
    run_id: int,
    stage: str,
    message: str,
    paper_id: str | None = None,
    target_id: str | None = None,
) -> None:
    summary.errors.append(message)
    store.add_error(run_id, stage=stage, message=message, paper_id=paper_id, target_id=target_id)


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _target_dict(target: Any) -> dict[str, Any] | None:
    if target is None:
        return None
    if hasattr(target, "model_dump"):
        return dict(target.model_dump(mode="json"))
    if is_dataclass(target) and not isinstance(target, type):
        return asdict(target)
    return dict(target)


def _hash_json(data: dict[str, Any]) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
