"""`litextract extract`: PDFs -> records.jsonl (+ errors.jsonl) with grounded evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import fail, some_failed
from extractor.cli.options import (
    BackendOpt,
    BaseUrlOpt,
    CacheOpt,
    MaxFollowupsOpt,
    ModelOpt,
    NCtxOpt,
    NoCacheOpt,
    RatersOpt,
    SecondModelOpt,
    SinglePassOpt,
    ThreadsOpt,
    TimeoutOpt,
    agent_settings,
    build_backend,
    open_cache,
)
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS
from schemas.errors import LitextractError

console = Console(stderr=True)


@app.command()
def extract(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files or folders of PDFs.", show_default=False)
    ],
    form: Annotated[
        str, typer.Option("--form", "-f", help="fm_imaging, rct_outcomes or a FORM.yaml path.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    targets: Annotated[
        Path | None,
        typer.Option(help="JSONL of (intervention, comparator, outcome) targets per paper."),
    ] = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    n_ctx: NCtxOpt = None,
    threads: ThreadsOpt = None,
    timeout: TimeoutOpt = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Papers extracted at once.")] = 4,
    max_context_tokens: Annotated[
        int, typer.Option(min=1000, help="Above this (chars/4), send only relevant sections.")
    ] = DEFAULT_MAX_CONTEXT_TOKENS,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    single_pass: SinglePassOpt = False,
    max_followups: MaxFollowupsOpt = 2,
    raters: RatersOpt = 1,
    second_model: SecondModelOpt = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Fill a study record per paper with an LLM agent: checked quotes, follow-ups, triage.

    Every value carries verbatim quotes located in the paper; the agent checks each value
    (quote found, value printed in it, status, the form's rules), asks again about what
    failed, and marks each value verified, check or missing (--single-pass: no follow-ups).
    Writes OUT/records.jsonl: one line per paper (per target for targeted forms).
    Papers that failed go to OUT/errors.jsonl with the reason; the batch goes on.
    A re-run into the same OUT skips records that are up to date (same paper, form,
    prompt, backend, model, target and settings), and model calls already answered on
    this machine come from the per-user cache, whatever the OUT folder.
    Exit code 1 when some papers failed, 2 when nothing could be done.

    Examples:

      litextract extract papers/ --form fm_imaging --out out/

      litextract extract trials/ --form rct_outcomes --targets targets.jsonl --out out/

      litextract extract paper.pdf --form my.yaml --out out/ --base-url http://localhost:11434/v1

      litextract extract papers/ --form fm_imaging --backend local --model qwen.gguf --n-ctx 8192
    """
    from extractor.batch import run_batch
    from extractor.key import ExtractionSettings
    from extractor.record_maker import RecordMaker
    from extractor.targets import load_targets
    from schemas.registry import load_form

    try:
        chosen_form = load_form(form)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    target_map = None
    if chosen_form.targeted and targets is None:
        raise fail(
            f"form {chosen_form.name} is targeted: give --targets TARGETS.jsonl "
            '(one line per target: {"paper_id", "target_id", "intervention", "comparator", '
            '"outcome"})'
        )
    if targets is not None:
        try:
            target_map = load_targets(targets)
        except LitextractError as exc:
            raise fail(str(exc)) from None
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise fail(f"{missing[0]}: no such file or folder")
    try:
        chat = build_backend(backend, model, base_url, n_ctx, threads, timeout)
        second = None
        if second_model:
            second = build_backend(backend, second_model, base_url, n_ctx, threads, timeout)
    except (LitextractError, ValueError, ImportError) as exc:
        raise fail(str(exc)) from None
    response_cache = open_cache(cache, no_cache)
    settings = ExtractionSettings(
        max_context_tokens=max_context_tokens,
        context_window=n_ctx,
        agent=agent_settings(single_pass, max_followups, raters, second_model),
    )
    extractor = RecordMaker(
        chosen_form, chat, cache=response_cache, settings=settings, second_backend=second
    )
    try:
        summary = run_batch(
            inputs,
            extractor,
            out_dir=out,
            targets=target_map,
            concurrency=concurrency,
            progress=progress,
        )
    except LitextractError as exc:
        raise fail(str(exc)) from None
    finally:
        if response_cache is not None:
            response_cache.close()

    for line in summary.error_lines[:10]:
        where = line["paper_id"] + (f" / {line['target_id']}" if line.get("target_id") else "")
        console.print(
            f"[red]failed[/red] {where}: {line['error']}", highlight=False, soft_wrap=True
        )
    if len(summary.error_lines) > 10:
        console.print(f"... {len(summary.error_lines) - 10} more in {out / 'errors.jsonl'}")
    cost = (
        f"${summary.cost_usd:.4f}"
        if summary.cost_usd is not None
        else f"unknown ({summary.cost_note or 'no price known'})"
    )
    rows = {
        "papers": summary.papers,
        "records written": summary.records,
        "records up to date": summary.skipped,
        "errors": summary.errors,
        "requests": summary.requests,
        "tokens": f"{summary.usage.total_tokens:,}",
        "cost (estimate)": cost,
        "cache hits": summary.cache_hits,
        "values to check": f"{summary.values_to_check:,} (triage check or missing)",
        "time": f"{summary.seconds:.1f} s",
    }
    table = Table(
        title=f"extract: {chosen_form.name} with {chat.name} {chat.model}", show_header=False
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, value in rows.items():
        table.add_row(name, str(value))
    out_console = Console(soft_wrap=True)
    out_console.print(table)
    out_console.print(f"records: {out / 'records.jsonl'}", highlight=False)
    if summary.errors:
        raise some_failed()
