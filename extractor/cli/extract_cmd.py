"""`litextract extract`: PDFs -> records.jsonl (+ errors.jsonl) with grounded evidence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import fail, finish, interrupted
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
)
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS
from extractor.targets import TARGETS_FORMAT
from schemas.errors import LitextractError

if TYPE_CHECKING:
    from extractor.extract_run import ExtractReport


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
        typer.Option(
            help="Targets for a targeted form (rct_outcomes), JSONL: "
            + TARGETS_FORMAT
            + ". A bad line is reported and skipped."
        ),
    ] = None,
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    n_ctx: NCtxOpt = None,
    threads: ThreadsOpt = None,
    timeout: TimeoutOpt = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Papers extracted at once.")] = 4,
    max_context_tokens: Annotated[
        int,
        typer.Option(
            min=1000,
            help="Paper text per request, in the model's tokens: a longer paper sends only "
            "its sections relevant to each field group.",
        ),
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
    Paper ids are file names without .pdf (a second file of the same name in another
    folder gets NAME__<8 hex of its hash>). One run at a time per OUT folder.
    A re-run into the same OUT skips records that are up to date (same paper, form,
    prompt, backend, model, target and settings), and model calls already answered on
    this machine come from the per-user cache, whatever the OUT folder.
    A server given by --base-url is asked once before the batch.
    Exit code 1 when some papers failed, 2 when nothing could be done, 130 on Ctrl+C.

    Examples:

      litextract extract papers/ --form fm_imaging --out out/

      litextract extract trials/ --form rct_outcomes --targets targets.jsonl --out out/

      litextract extract paper.pdf --form my.yaml --out out/ --base-url http://localhost:11434/v1

      litextract extract papers/ --form fm_imaging --backend local --model qwen.gguf --n-ctx 8192
    """
    # Imported when the command runs: it pulls in PyMuPDF and the retriever (about a
    # second), which `--help` and every other command should not pay for.
    from extractor.extract_run import ExtractRequest, run_extract

    console = Console(stderr=True, soft_wrap=True)  # soft_wrap: one problem, one line

    def problem(line: str) -> None:
        console.print(f"[red]error:[/red] {escape(line)}", highlight=False)

    request = ExtractRequest(
        inputs=inputs, form=form, out=out, targets=targets, backend=backend, model=model,
        base_url=base_url, n_ctx=n_ctx, threads=threads, timeout=timeout,
        concurrency=concurrency, max_context_tokens=max_context_tokens, cache=cache,
        no_cache=no_cache, agent=agent_settings(single_pass, max_followups, raters, second_model),
        progress=progress,
    )  # fmt: skip
    try:
        report = run_extract(request, on_problem=problem)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted(f"finished records are kept in {out}; run again to resume") from None
    _print_report(report, out, console)
    finish(report.done, report.failed)


def _print_report(report: ExtractReport, out: Path, console: Console) -> None:
    from extractor.batch import ERRORS, RECORDS  # loaded already by the run

    summary = report.summary
    for line in summary.renamed:
        console.print(f"[yellow]note:[/yellow] {escape(line)}", highlight=False)
    if summary.unmatched_targets:
        names = ", ".join(summary.unmatched_targets[:10])
        more = " ..." if len(summary.unmatched_targets) > 10 else ""
        console.print(
            f"[yellow]warning:[/yellow] the targets name {len(summary.unmatched_targets)} "
            f"paper(s) not among the inputs: {escape(names)}{more}",
            highlight=False,
        )
    for line in summary.error_lines[:10]:
        where = line["paper_id"] + (f" / {line['target_id']}" if line.get("target_id") else "")
        text = escape(f"{where}: {line['error']}")
        console.print(f"[red]failed[/red] {text}", highlight=False)
    if len(summary.error_lines) > 10:
        console.print(f"... {len(summary.error_lines) - 10} more in {out / ERRORS}")
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
        "bad target lines": len(report.target_problems),
        "requests": summary.requests,
        "tokens": f"{summary.usage.total_tokens:,}",
        "cost (estimate)": cost,
        "cache hits": summary.cache_hits,
        "values to check": f"{summary.values_to_check:,} (triage check or missing)",
        "time": f"{summary.seconds:.1f} s",
    }
    if not report.target_problems:
        del rows["bad target lines"]
    table = Table(
        title=f"extract: {report.form} with {report.backend} {report.model}", show_header=False
    )
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, value in rows.items():
        table.add_row(name, str(value))
    out_console = Console(soft_wrap=True)
    out_console.print(table)
    out_console.print(f"records: {out / RECORDS}", highlight=False)
