"""`litextract example`: the whole pipeline on the built-in sample papers.

This is the README's main job: it must work on a fresh machine with no network
and no API key (then the embedded offline model answers), and with a key or an
OpenAI-compatible server the same command uses that server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import ExitCode, error_line, fail
from extractor.cli.options import (
    BackendOpt,
    BaseUrlOpt,
    CacheOpt,
    MaxFollowupsOpt,
    ModelOpt,
    NCtxOpt,
    NoCacheOpt,
    ThreadsOpt,
    TimeoutOpt,
    build_backend,
    open_cache,
)
from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.factory import check_server, spec_of
from extractor.targets import load_targets
from schemas.errors import LitextractError
from schemas.registry import load_form

_err = Console(stderr=True)


@app.command()
def example(
    out: Annotated[Path, typer.Argument(help="Output folder.")] = Path("example-out"),
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    n_ctx: NCtxOpt = None,
    threads: ThreadsOpt = None,
    timeout: TimeoutOpt = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Papers extracted at once.")] = 2,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    max_followups: MaxFollowupsOpt = 1,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Generate the sample papers, extract both built-in forms, audit against their gold.

    Writes into OUT:

      papers/            3 generated two-column PDFs + their gold records and ICO targets
      fm_imaging/        records.jsonl (+ errors.jsonl) for the two foundation-model papers
      rct_outcomes/      records.jsonl for the trial's intervention-comparator-outcome targets
      audit/<form>/      metrics.json, disagreements.csv, report.html

    A re-run asks the model nothing new: answers come from the per-user response cache.

    Examples:

      litextract example

      OPENAI_API_KEY=... litextract example --model gpt-4o-mini

      litextract example --base-url http://localhost:11434/v1 --model qwen2.5:7b
    """
    from eval.audit import run_audit
    from eval.report import write_outputs
    from extractor.batch import run_batch
    from extractor.examples import write_examples
    from extractor.record_maker import RecordMaker

    try:
        examples = write_examples(out / "papers")
        chat = build_backend(backend, model, base_url, n_ctx, threads, timeout)
        check_server(chat)
    except (LitextractError, ValueError, ImportError) as exc:
        raise fail(str(exc)) from None
    _err.print(f"example papers: {out / 'papers'}  model: {chat.name} {chat.model}")
    spec = spec_of(chat)
    if spec.serial:
        concurrency = 1

    jobs = [
        ("fm_imaging", examples.fm_pdfs, None, examples.gold_fm_imaging),
        ("rct_outcomes", examples.rct_pdfs, load_targets(examples.targets_rct), examples.gold_rct),
    ]
    summary = Table(title="litextract example", show_lines=False)
    for column in ("form", "records", "errors", "requests", "tokens", "accuracy"):
        summary.add_column(column)
    reports: list[Path] = []
    failed: list[str] = []
    response_cache = open_cache(cache, no_cache)
    try:
        for form_name, pdfs, targets, gold in jobs:
            form = load_form(form_name)
            # One follow-up round shows the whole loop; the tiny offline model gains
            # little from a second one, and each costs a minute on a laptop CPU.
            settings = ExtractionSettings(agent=AgentSettings(max_followups=max_followups))
            extractor = RecordMaker(form, chat, cache=response_cache, settings=settings)
            run_dir = out / form_name
            batch = run_batch(
                pdfs,
                extractor,
                out_dir=run_dir,
                targets=targets,
                concurrency=concurrency,
                progress=progress,
            )
            if not batch.records:  # every paper failed: say so, audit nothing
                summary.add_row(form_name, "0", str(batch.errors), str(batch.requests),
                                f"{batch.usage.total_tokens:,}", "n/a")  # fmt: skip
                failed.append(f"{form_name}: no record (see {run_dir / 'errors.jsonl'})")
                continue
            result = run_audit(gold, run_dir / "records.jsonl", form)
            paths = write_outputs(result, out / "audit" / form_name)
            accuracy = result.overall.accuracy.value
            summary.add_row(
                form_name,
                str(batch.records),
                str(batch.errors),
                str(batch.requests),
                f"{batch.usage.total_tokens:,}",
                "n/a" if accuracy is None else f"{accuracy:.2f}",
            )
            reports.append(paths["report"])
    finally:
        if response_cache is not None:
            response_cache.close()
    console = Console(soft_wrap=True)
    console.print(summary)
    for report in reports:
        console.print(f"audit report: {report}", highlight=False)
    if spec.demo_note:
        console.print(spec.demo_note)
    for line in failed:
        error_line(line)
    if failed:
        raise typer.Exit(ExitCode.some_failed if reports else ExitCode.unusable_input)
