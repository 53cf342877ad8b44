"""`extract` as one call: settings in, a batch run, a report out.

The command only parses its options into an `ExtractRequest`, calls `run_extract` and
prints the report. Everything that can make the whole run pointless is checked before
the first paper is parsed, each with one line: the form, the targets file, the inputs,
the backend and its server (one request: a mistyped or unreachable URL fails in
seconds, not after every paper's retries).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.batch import BatchSummary, run_batch
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS, AgentSettings, ExtractionSettings
from extractor.llm.base import ChatBackend
from extractor.llm.cache import ResponseCache, default_cache_path
from extractor.llm.factory import check_server, make_backend
from extractor.record_maker import RecordMaker
from extractor.targets import TARGETS_FORMAT, Target, load_targets
from schemas.errors import InputError, LitextractError
from schemas.form import Form
from schemas.registry import load_form


@dataclass(frozen=True)
class ExtractRequest:
    inputs: Sequence[Path]
    form: str  # a built-in form's name or a FORM.yaml path
    out: Path
    targets: Path | None = None
    backend: str | None = None
    model: str | None = None
    base_url: str | None = None
    n_ctx: int | None = None
    threads: int | None = None
    timeout: float | None = None
    concurrency: int = 4
    max_context_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS
    cache: Path | None = None
    no_cache: bool = False
    agent: AgentSettings = field(default_factory=AgentSettings)
    progress: bool = True


@dataclass
class ExtractReport:
    form: str
    backend: str
    model: str
    summary: BatchSummary
    target_problems: list[str] = field(default_factory=list)  # bad lines, each skipped

    @property
    def done(self) -> int:
        return self.summary.records + self.summary.skipped

    @property
    def failed(self) -> int:
        return self.summary.errors + len(self.target_problems)


def run_extract(
    request: ExtractRequest, on_problem: Callable[[str], None] | None = None
) -> ExtractReport:
    """Run one `extract`. Raises `LitextractError` (one line) when nothing can be done;
    `on_problem` hears each skipped line of the targets file before the batch starts."""
    form = load_form(request.form)
    problems: list[str] = []
    targets = _targets(request, form, problems)
    for line in problems:
        if on_problem is not None:
            on_problem(line)
    missing = [p for p in request.inputs if not Path(p).exists()]
    if missing:
        raise InputError(missing[0], "no such file or folder")
    chat, second = _backends(request)
    check_server(chat)
    cache = None if request.no_cache else ResponseCache(request.cache or default_cache_path())
    settings = ExtractionSettings(
        max_context_tokens=request.max_context_tokens,
        context_window=request.n_ctx,
        agent=request.agent,
    )
    maker = RecordMaker(form, chat, cache=cache, settings=settings, second_backend=second)
    try:
        summary = run_batch(
            list(request.inputs),
            maker,
            out_dir=request.out,
            targets=targets,
            concurrency=request.concurrency,
            progress=request.progress,
        )
    finally:
        if cache is not None:
            cache.close()
    return ExtractReport(form.name, chat.name, chat.model, summary, problems)


def _targets(
    request: ExtractRequest, form: Form, problems: list[str]
) -> dict[str, list[Target]] | None:
    if request.targets is None:
        if form.targeted:
            raise LitextractError(
                f"form {form.name} is targeted: give --targets TARGETS.jsonl ({TARGETS_FORMAT})"
            )
        return None
    return load_targets(request.targets, problems)


def _backends(request: ExtractRequest) -> tuple[ChatBackend, ChatBackend | None]:
    def build(model: str | None) -> ChatBackend:
        return make_backend(
            request.backend, model, base_url=request.base_url, n_ctx=request.n_ctx,
            threads=request.threads, timeout=request.timeout,
        )  # fmt: skip

    try:
        chat = build(request.model)
        second = build(request.agent.second_model) if request.agent.second_model else None
    except (ValueError, ImportError) as exc:  # an unknown backend, a missing engine
        raise LitextractError(str(exc)) from None
    return chat, second
