"""`litextract verify`: check records made anywhere against their papers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import error_line, fail, some_failed
from extractor.cli.options import BackendOpt, BaseUrlOpt, ModelOpt, TimeoutOpt, build_backend
from schemas.errors import FormError, LitextractError
from schemas.extracted import Triage
from schemas.registry import load_form

VERIFY_HELP = "\n\n".join(
    [
        "Check extracted values made anywhere (a colleague's sheet, another tool's output, a "
        "published meta-analysis's data) against the papers: the tool finds each value in "
        "the paper itself and checks that it plays its field's role.",
        "[bold]RECORDS[/bold] is litextract's records.jsonl; or JSONL lines "
        '{"paper_id": "PMC4493951", "target_id": "130", "intervention": "haloperidol 1 mg", '
        '"comparator": "haloperidol 2 mg", "outcome": "PONV", "record": '
        '{"intervention_events": 11, ...}}; or the CSV/XLSX `litextract export` writes (one '
        "column per field; the `<field>__...` columns are ignored). Papers are read from "
        "[bold]--papers DIR[/bold] as DIR/<paper_id>.pdf.",
        "Each value is located in text and table cells (row labels, column headers, "
        "captions) and checked: arm (the column, row or sentence names the value's arm; "
        "group labels such as 'Group A' are resolved), outcome, timepoint (a value printed "
        "for several timepoints is flagged), paired values (11/49 and 11 (22.4 %) agree "
        "with N; mean with SD), group sizes, and any OR/RR/RD/MD the paper prints. "
        "[bold]verified[/bold]: the checks confirm the role; [bold]check[/bold]: a reviewer "
        "must look, and the reasons say which checks passed and failed. A value only "
        "printed somewhere is never verified.",
        "No model is needed. With --model (and --base-url) a model is asked about the "
        "undecided values only, shown the located passages; its answer is recorded as a "
        "reason, never as a verification.",
        "Writes OUT/records.jsonl (extract's record shape: value, located evidence, triage, "
        "reasons) and OUT/report.html, and prints a summary. A missing PDF or an unknown "
        "field is one line; the other records go on (exit code 1).",
        "[bold]Examples[/bold]",
        "litextract verify colleague.csv --papers pdfs/ --form rct_outcomes --out checked/",
        "litextract verify run/records.jsonl --papers pdfs/ --form fm_imaging --out checked/ "
        "--model qwen2.5:7b --base-url http://localhost:11434/v1",
    ]
)


@app.command(help=VERIFY_HELP)
def verify(
    records: Annotated[Path, typer.Argument(help="records.jsonl, JSONL, CSV or XLSX.")],
    papers: Annotated[Path, typer.Option("--papers", help="Folder of <paper_id>.pdf files.")],
    form: Annotated[str, typer.Option("--form", help="Built-in form name or FORM.yaml.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("verified"),
    backend: BackendOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    timeout: TimeoutOpt = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Check records against their papers (help text: VERIFY_HELP)."""
    from extractor.verify import read_records, run_verify
    from extractor.verify_judge import Judge

    try:
        chosen = load_form(form)
    except (FormError, LitextractError) as exc:
        raise fail(str(exc)) from None
    if not papers.is_dir():
        raise fail(f"{papers}: no such folder")
    judge = None
    if model or base_url:
        try:
            judge = Judge(build_backend(backend, model, base_url, None, None, timeout))
        except (LitextractError, ValueError, ImportError) as exc:
            raise fail(str(exc)) from None
    try:
        total = len({r.paper_id for r in read_records(records, chosen).records})
    except LitextractError as exc:
        raise fail(str(exc)) from None
    bar = Progress(
        TextColumn("verify"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=Console(stderr=True), disable=not progress,
    )  # fmt: skip
    with bar:
        task = bar.add_task("", total=total)
        try:
            summary = run_verify(
                records,
                papers,
                chosen,
                out,
                judge=judge,
                on_paper=lambda paper_id: bar.update(task, advance=1, description=paper_id),
            )
        except LitextractError as exc:
            raise fail(str(exc)) from None
    for problem in summary.problems:
        error_line(problem)
    table = Table(title=f"verify: {records.name} ({chosen.name}), {summary.records} records")
    table.add_column("field")
    for name in Triage:
        table.add_column(name, justify="right")
    for name, per in summary.counts.items():
        table.add_row(escape(name), *(str(per.get(t, 0)) for t in Triage))
    console = Console(soft_wrap=True)
    console.print(table)
    console.print(
        f"records: {out / 'records.jsonl'}\nreport: {out / 'report.html'}", highlight=False
    )
    if summary.problems:
        raise some_failed()
