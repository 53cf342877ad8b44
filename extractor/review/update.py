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

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console

from extractor.document import Document
from extractor.extract import prompt_fingerprint
from extractor.jobs import Job, Spent, run_jobs
from extractor.key import ExtractionKey
from extractor.llm import ChatBackend, make_backend
from extractor.llm.cache import ResponseCache
from extractor.llm.factory import backend_identity, check_server
from extractor.pdf import parse_many
from extractor.record_maker import RecordMaker
from extractor.review.config import ReviewConfig, ReviewPaths, load_config, save_config
from extractor.review.identity import normalise_doi, normalise_title
from extractor.review.library import mark_if_duplicate, scan_papers
from extractor.review.lock import ReviewLock
from extractor.review.store import PaperRow, ReviewStore
from extractor.targets import Target, load_targets
from schemas.errors import InputError
from schemas.form import Form
from schemas.record import RecordLine


class MakerLike(Protocol):
    """`RecordMaker`, or a test's fake of it."""

    form: Form

    def key_for(self, paper_sha256: str, target: Any) -> ExtractionKey: ...

    def make_record(self, document: Document, target: Any = None) -> RecordLine: ...


ParseMany = Callable[[list[Path]], Iterable[tuple[Path, Document | InputError]]]


@dataclass
class Pipeline:
    """What an update runs: built from the config, or handed in by tests."""

    form: Form
    maker: MakerLike
    parse_many: ParseMany
    targets: dict[str, list[Target]] | None = None  # targeted forms: paper_id -> targets
    close: Callable[[], None] = lambda: None
    target_problems: list[str] = field(default_factory=list)  # bad lines, each skipped


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
    values_to_check: int = 0  # values of this run's records a reviewer must look at
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    interrupted_runs: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_pipeline(root: Path, config: ReviewConfig, *, progress: bool = True) -> Pipeline:
    """The real pieces: PDF parser, chat backend with the review's response cache, maker."""

    def backend_for(model: str | None) -> ChatBackend:
        # The second rater's model runs with the same server, window and timeout.
        return make_backend(
            config.backend, model, base_url=config.base_url, n_ctx=config.n_ctx,
            timeout=config.timeout,
        )  # fmt: skip

    form = config.load_form(root)
    try:
        backend = backend_for(config.model)
        second = backend_for(config.second_model) if config.second_model else None
    except ValueError as exc:  # an unknown backend: a settings problem
        raise InputError(ReviewPaths(root).config, str(exc)) from None
    check_server(backend)  # a wrong base_url fails here, once, naming the server
    cache = ResponseCache(ReviewPaths(root).cache)
    maker = RecordMaker(
        form, backend, cache=cache, settings=config.extraction_settings(), second_backend=second
    )
    targets = None
    problems: list[str] = []
    if form.targeted:
        path = config.targets_path(root)
        if path is None:
            raise InputError(
                ReviewPaths(root).config,
                f"form {form.name!r} is targeted: set `targets` to a targets.jsonl in the review",
            )
        targets = load_targets(path, problems)

    def parse(paths: list[Path]) -> Iterator[tuple[Path, Document | InputError]]:
        return parse_many(paths, workers=min(2, os.cpu_count() or 1), progress=progress)

    return Pipeline(
        form=form,
        maker=maker,
        parse_many=parse,
        targets=targets,
        close=cache.close,
        target_problems=problems,
    )


def run_update(
    root: Path,
    *,
    pipeline: Pipeline | None = None,
    console: Console | None = None,
    progress: bool = True,
    model: str | None = None,
    base_url: str | None = None,
) -> UpdateSummary:
    """Run one update under the review lock; returns what it did (also recorded as a run).

    `model` / `base_url` change the review's model or server from now on: they are saved
    in review.toml (under the lock), so the next update does not undo them."""
    console = console or Console(stderr=True)
    config = load_config(root)
    paths = ReviewPaths(root)
    with ReviewLock(root), ReviewStore(paths.store) as store:
        changes = {k: v for k, v in (("model", model), ("base_url", base_url)) if v is not None}
        config = replace(config, **changes)
        summary = UpdateSummary()
        # We hold the lock, so any run still marked 'running' died without finishing.
        summary.interrupted_runs = store.close_abandoned_runs()
        pipeline = pipeline or build_pipeline(root, config, progress=progress)
        if changes:  # saved once the backend is built and its server answered
            save_config(root, config)
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
    for message in pipeline.target_problems:  # the other targets go on
        _error(store, summary, run_id, "targets", message)
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

    jobs = _plan_jobs(root, store, pipeline, summary)
    run = run_jobs(
        jobs,
        pipeline.maker,
        _StoreSink(store, summary),
        concurrency=concurrency,
        total=len(jobs),
        progress=progress,
        console=console,
    )
    summary.values_to_check = run.values_to_check


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


def _plan_jobs(
    root: Path, store: ReviewStore, pipeline: Pipeline, summary: UpdateSummary
) -> list[Job]:
    latest = store.latest_model_keys()
    jobs: list[Job] = []
    for paper, target in _wanted(store, pipeline.form, pipeline.targets):
        if target is None and pipeline.form.targeted:
            summary.no_targets.append(paper.paper_id)
            continue
        target_id = target.target_id if target else None
        key = pipeline.maker.key_for(paper.sha256, target)
        previous = latest.get((paper.paper_id, target_id))
        if previous == key:
            summary.up_to_date += 1
            continue
        stale = previous is not None
        summary.stale += stale
        summary.new_records += not stale
        jobs.append(
            Job(
                paper.paper_id,
                target_id,
                target,
                key,
                load=_loader(root, store, paper),
                label=paper.path,
                stale=stale,
            )
        )
    return jobs


def _loader(root: Path, store: ReviewStore, paper: PaperRow) -> Callable[[], Document]:
    def load() -> Document:
        # Called by the job runner in the thread that owns the store connection.
        document = store.document(paper.sha256)
        if document is None:
            raise InputError(paper.path, "parsed document missing from store")
        # Documents are shared by identical files: show the extractor this paper's own path.
        source = document.source.model_copy(update={"path": str(root / paper.path)})
        return document.model_copy(update={"source": source})

    return load


def _wanted(
    store: ReviewStore, form: Form, targets_by_paper: dict[str, list[Target]] | None
) -> Iterator[tuple[PaperRow, Target | None]]:
    """Every (paper, target) the review should have; for a targeted form, a paper
    without targets yields one (paper, None) entry."""
    for paper in store.papers("parsed"):
        wanted: list[Target | None] = (
            list((targets_by_paper or {}).get(paper.paper_id, [])) if form.targeted else [None]
        )
        if form.targeted and not wanted:
            yield paper, None
            continue
        for target in wanted:
            yield paper, target


def expected_keys(
    root: Path, config: ReviewConfig, store: ReviewStore
) -> dict[tuple[str, str | None], ExtractionKey]:
    """The key an update now would give each record (for `status`): computed from the
    config alone, with no backend built and no key or engine needed."""
    form = config.load_form(root)
    backend, model = backend_identity(config.backend, config.model, config.base_url)
    prompt_hash = prompt_fingerprint(form)
    settings = config.extraction_settings()
    path = config.targets_path(root)
    # Bad lines are skipped here as `update` skips them (and reports them).
    targets = load_targets(path, []) if form.targeted and path and path.is_file() else None
    out = {}
    for paper, target in _wanted(store, form, targets):
        if target is None and form.targeted:
            continue
        target_id = target.target_id if target else None
        out[(paper.paper_id, target_id)] = ExtractionKey.build(
            paper_sha256=paper.sha256,
            form=form,
            prompt_hash=prompt_hash,
            backend=backend,
            model=model,
            target=target,
            settings=settings,
        )
    return out


class _StoreSink:
    """`update`'s sink: each record is committed as a new version the moment it is done."""

    def __init__(self, store: ReviewStore, summary: UpdateSummary) -> None:
        self.store = store
        self.summary = summary

    def record(self, job: Job, line: RecordLine) -> None:
        provenance = line.provenance
        usage = provenance.usage
        self.store.add_version(
            paper_id=job.paper_id,
            target_id=job.target_id,
            origin="model",
            record={name: value.model_dump(mode="json") for name, value in line.record.items()},
            provenance=provenance.model_dump(mode="json"),
            target=job.target.as_dict() if job.target else None,
            key=job.key,
            run_id=self.summary.run_id,
            usage=(
                provenance.requests,
                usage.prompt_tokens,
                usage.completion_tokens,
                provenance.cost_usd or 0.0,
            ),
        )
        self.summary.extracted += 1

    def error(self, job: Job, message: str, kind: str, spent: Spent) -> None:
        _error(
            self.store,
            self.summary,
            self.summary.run_id,
            "extract",
            message,
            job.paper_id,
            job.target_id,
        )
        if spent.requests or spent.usage.total_tokens:  # failed attempts still cost
            self.store.add_run_usage(
                self.summary.run_id,
                requests=spent.requests,
                prompt_tokens=spent.usage.prompt_tokens,
                completion_tokens=spent.usage.completion_tokens,
                cost=0.0,
            )


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
