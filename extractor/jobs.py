"""The one job runner: extract many (paper, target) jobs with a pool, a progress bar,
error capture and cost accounting, and hand each result to a sink.

`extract` writes to a JSONL sink (extractor/batch.py), `update` to the review store
(extractor/review/update.py): two sinks of the same runner. Sinks are only ever
called from the thread that called `run_jobs`, so a sink may hold a SQLite
connection. Jobs are taken lazily and at most `concurrency` are in flight, so a
killed run loses only those and a caller may still be producing jobs (parsing)
while the first ones run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
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
from rich.table import Column

from extractor.document import Document
from extractor.key import ExtractionKey
from extractor.llm.base import LLMError
from extractor.llm.base import Progress as AnswerProgress
from extractor.tally import ExtractionError
from extractor.targets import Target
from schemas.errors import LitextractError
from schemas.extracted import Triage
from schemas.record import RecordLine, TokenUsage


@dataclass(frozen=True)
class Job:
    """One record to make. `load` gives the document, called in the runner's thread."""

    paper_id: str
    target_id: str | None
    target: Target | None
    key: ExtractionKey
    load: Callable[[], Document]
    label: str = ""  # how errors name the paper (its path), default the paper id
    stale: bool = False  # a record exists but was made under another key


class Sink(Protocol):
    def record(self, job: Job, line: RecordLine) -> None: ...

    def error(self, job: Job, message: str, kind: str, spent: Spent) -> None: ...


@dataclass(frozen=True)
class Spent:
    """What a failed job cost: its attempts count too."""

    requests: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)


@dataclass
class RunSummary:
    jobs: int = 0
    records: int = 0
    errors: int = 0
    requests: int = 0
    cache_hits: int = 0  # records answered entirely from the response cache
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost_usd: float | None = None
    cost_note: str = ""  # why the cost is unknown ("local server: no price")
    values_to_check: int = 0
    seconds: float = 0.0
    error_lines: list[dict[str, Any]] = field(default_factory=list)

    def add_cost(self, cost: float | None) -> None:
        if cost is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost


class Makes(Protocol):
    """What the runner drives: `RecordMaker` (extractor/record_maker.py), or a test's fake."""

    def make_record(self, document: Document, target: Any = None) -> RecordLine: ...


def describe_failure(exc: BaseException) -> tuple[str, str, Spent]:
    """(one-line message, kind, what it cost) for an exception a job raised."""
    if isinstance(exc, ExtractionError):
        return str(exc), exc.kind, Spent(exc.requests, exc.usage)
    if isinstance(exc, LLMError):
        return str(exc), "llm", Spent(exc.requests, exc.usage)
    if isinstance(exc, LitextractError):
        return str(exc), "input", Spent()
    text = str(exc).splitlines()[0] if str(exc) else ""
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__), "internal", Spent()


def progress_bar(label: str, *, enabled: bool, console: Console | None = None) -> Progress:
    # Width-aware: the label, count and times keep their width; the paper id and the
    # answer's progress take what is left and are cut with "…" (on an 80-column terminal a
    # long paper id used to squeeze the bar away and cut the times to "0:00:…").
    def fixed() -> Column:
        return Column(no_wrap=True)

    def flexible(ratio: int) -> Column:
        return Column(no_wrap=True, overflow="ellipsis", ratio=ratio, min_width=1)

    return Progress(
        TextColumn(f"[bold]{label}", table_column=fixed()),
        BarColumn(bar_width=16, table_column=fixed()),
        MofNCompleteColumn(table_column=fixed()),
        TextColumn("{task.fields[paper]}", table_column=flexible(3)),
        TextColumn("[dim]{task.fields[answer]}", table_column=flexible(2)),
        TimeElapsedColumn(table_column=fixed()),
        TimeRemainingColumn(table_column=fixed()),
        console=console or Console(stderr=True),
        disable=not enabled,
        transient=False,
        expand=True,  # the ratio columns share what the fixed ones leave
    )


def run_jobs(
    jobs: Iterable[Job],
    maker: Makes,
    sink: Sink,
    *,
    concurrency: int = 4,
    total: int | None = None,
    progress: bool = True,
    console: Console | None = None,
    label: str = "extracting",
) -> RunSummary:
    """Run every job; one job's failure never stops the others."""
    summary = RunSummary()
    started = time.perf_counter()
    queue: Iterator[Job] = iter(jobs)
    in_flight: dict[Future[RecordLine], Job] = {}
    bar = progress_bar(label, enabled=progress, console=console)

    def submit(pool: ThreadPoolExecutor, job: Job) -> None:
        summary.jobs += 1
        try:
            document = job.load()
        except Exception as exc:  # the failure is this job's, reported like any other
            failed: Future[RecordLine] = Future()
            failed.set_exception(exc)
            in_flight[failed] = job
            return
        in_flight[pool.submit(maker.make_record, document, job.target)] = job

    def finish(job: Job, future: Future[RecordLine]) -> None:
        try:
            line = future.result()
        except Exception as exc:
            message, kind, spent = describe_failure(exc)
            if job.label and not message.startswith(job.label):
                message = f"{job.label}: {message}"
            summary.errors += 1
            summary.requests += spent.requests
            summary.usage = summary.usage + spent.usage
            summary.error_lines.append(
                {
                    "paper_id": job.paper_id,
                    "target_id": job.target_id,
                    "error": message,
                    "kind": kind,
                }
            )
            sink.error(job, message, kind, spent)
            return
        p = line.provenance
        summary.records += 1
        summary.requests += p.requests
        summary.usage = summary.usage + p.usage
        summary.cache_hits += p.cached
        summary.add_cost(p.cost_usd)
        summary.cost_note = summary.cost_note or p.cost_note
        summary.values_to_check += sum(
            v.triage is not Triage.verified for v in line.record.values()
        )
        sink.record(job, line)

    with bar, ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        task = bar.add_task(label, total=total, paper="", answer="")

        def answering(p: AnswerProgress) -> None:
            # A long local answer should look alive: tokens so far and their rate.
            bar.update(task, answer=f"{p.tokens} tokens, {p.tokens_per_second:.1f}/s")

        if hasattr(maker, "on_progress"):
            maker.on_progress = answering
        try:
            for job in _take(queue, concurrency):
                submit(pool, job)
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    job = in_flight.pop(future)
                    finish(job, future)
                    bar.update(task, advance=1, paper=job.paper_id, answer="")
                for job in _take(queue, len(done)):
                    submit(pool, job)
                if total is None:
                    bar.update(task, total=summary.jobs)
        except BaseException:
            for future in in_flight:
                future.cancel()
            raise
    summary.seconds = time.perf_counter() - started
    return summary


def _take(iterator: Iterator[Job], n: int) -> list[Job]:
    out = []
    for _ in range(n):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out
