"""`litextract audit`: measure extraction accuracy against human gold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.settings import load_settings
from extractor.cli import app
from extractor.cli.exits import ExitCode
from schemas.errors import LitextractError
from schemas.registry import load_form

_console = Console(stderr=True)


AUDIT_HELP = "\n\n".join(
    [
        "Compare predicted records with human gold; write metrics.json, disagreements.csv "
        "and report.html into --out.",
        "Gold is JSONL, one line per paper (per target for targeted forms): "
        '{"paper_id": "PMC3276927", "target_id": "55", "record": {"outcome_type": "binary", '
        "...}}, or CSV with paper_id, target_id and one column per scalar field. Predictions "
        "are the records.jsonl that `extract` writes, a review folder (its current records, "
        "corrections applied), or plain records in the gold format, so "
        "two human extractors, two models or two runs compare with the same command.",
        "Each (record, field) is correct, incorrect, missed, fabricated or both_empty. Metrics "
        "per field and overall: accuracy (both_empty counts as agreement, as in Yun et al.) "
        "and, beside it, accuracy over the cells where either side has a value; "
        "precision/recall/F1 for lists, Cohen's kappa and "
        "Gwet's AC1 for categories, Krippendorff's alpha, bootstrap intervals over papers "
        "(seeded; 95% unless the settings' bootstrap.level says otherwise). Forms that declare "
        "headline groups (rct_outcomes: per outcome type) also get the record exact match of "
        "Yun et al.",
        "Predictions from `extract` carry a triage per value: accuracy is also reported "
        "separately for verified, check and missing values, with a sentence saying whether "
        "verified values are clearly more accurate than those to check.",
        "[bold]Examples[/bold]",
        "litextract audit --gold gold.jsonl --pred run/records.jsonl --form fm_imaging "
        "--out audit/",
        "litextract audit --gold human_a.csv --pred human_b.csv --form rct_outcomes --seed 7",
        "[bold]Yun et al. 2024 data[/bold] (convert with eval.yun2024, then audit; the preset "
        "applies their scorer's conventions: exact numbers, '1,525' kept as text):",
        "python -m eval.yun2024 gold yun_gold.jsonl --source gpt4_binary_outcomes_test_output.json",
        "python -m eval.yun2024 gpt4 yun_gpt4.jsonl --source gpt4_binary_outcomes_test_output.json",
        "litextract audit --gold yun_gold.jsonl --pred yun_gpt4.jsonl --form rct_outcomes "
        "--fields intervention_events,intervention_group_size,comparator_events,"
        "comparator_group_size --settings eval/presets/yun2024_scorer.yaml",
    ]
)


@app.command(help=AUDIT_HELP)
def audit(
    gold: Annotated[Path, typer.Option("--gold", help="Gold records: JSONL or CSV.")],
    pred: Annotated[
        Path,
        typer.Option(
            "--pred",
            help="records.jsonl from extract, plain records, or a review folder (its current "
            "records, corrections applied).",
        ),
    ],
    form: Annotated[str, typer.Option("--form", help="Built-in form name or FORM.yaml.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("audit"),
    settings: Annotated[
        Path | None,
        typer.Option("--settings", help="YAML overrides: tolerances, aliases, bootstrap."),
    ] = None,
    fields: Annotated[
        str | None, typer.Option("--fields", help="Comma-separated fields to audit (default all).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Bootstrap seed (overrides settings).")] = None,
    resamples: Annotated[
        int | None, typer.Option(help="Bootstrap resamples (overrides settings).")
    ] = None,
) -> None:
    """Compare predicted records with human gold (help text: AUDIT_HELP)."""
    from eval.audit import run_audit
    from eval.report import write_outputs

    try:
        the_form = load_form(form)
        config = load_settings(settings)
        if seed is not None:
            config.bootstrap.seed = seed
        if resamples is not None:
            config.bootstrap.resamples = resamples
        only = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=_console,
            transient=True,
        ) as progress:
            task = progress.add_task("audit", total=None)
            result = run_audit(
                gold,
                pred,
                the_form,
                config,
                only_fields=only,
                progress=lambda msg: progress.update(task, description=msg),
            )
            progress.update(task, description="writing report")
            paths = write_outputs(result, out)
    except LitextractError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            where = getattr(exc, "path", "")
            for problem in problems:
                _console.print(
                    "[red]error[/red] " + escape(f"{where}: {problem}"),
                    highlight=False,
                    soft_wrap=True,  # one problem, one line: greppable and copyable
                )
        else:
            _console.print(f"[red]error[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.unusable_input) from None

    _summary(result)
    for name, path in paths.items():
        _console.print(f"{name}: {path}", highlight=False)


def _fmt(e) -> str:  # type: ignore[no-untyped-def]
    if e is None or e.value is None:
        return ""
    ci = f" [{e.ci_low:.3f}, {e.ci_high:.3f}]" if e.ci_low is not None else ""
    return f"{e.value:.3f}{ci}"


def _cell(e) -> str:  # type: ignore[no-untyped-def]
    """An estimate for a table cell: the interval compact and on its own line, so a narrow
    terminal wraps between the two rather than inside the interval."""
    if e is None or e.value is None:
        return ""
    ci = f"\n{e.ci_low:.3f}-{e.ci_high:.3f}" if e.ci_low is not None else ""
    return f"{e.value:.3f}{ci}"


_FIELD_MIN_WIDTH = 24  # fits most names whole; longer ones fold onto a second line


def _table(title: str, names: list[str]) -> Table:
    """A summary table whose first column is the field name, the row's identity: never cut
    to "intervention…" (rct_outcomes has six intervention_* fields), folded if need be."""
    # No outer edge: 2 more columns for the numbers, so 80 columns fit both tables.
    table = Table(title=title, show_edge=False)
    width = min(max(map(len, names), default=5), _FIELD_MIN_WIDTH)
    # A fixed width: rich then shrinks the number columns, never this one (a min_width
    # alone is undone when rich re-measures the longest word, and the table overflows).
    table.add_column("field", width=width, overflow="fold")
    return table


def summary_table(result) -> Table:  # type: ignore[no-untyped-def]
    """Accuracy per top-level field and overall, beside the accuracy over cells where gold
    or the prediction has a value (both-empty cells agree trivially and lift the first)."""
    rows = [*(f for f in result.fields if f.top_level), result.overall]
    title = f"audit of {result.form}: {result.coverage.audited_records} records"
    table = _table(title, [m.field for m in rows])
    for column in (
        "n",
        f"accuracy [{result.ci_label}]",
        "accuracy where either has a value",
        "missed · fabricated · incorrect",
    ):
        table.add_column(column)
    for m in rows:
        counts = " · ".join(str(m.counts[k]) for k in ("missed", "fabricated", "incorrect"))
        table.add_row(
            m.field,
            str(m.n),
            _cell(m.accuracy),
            _cell(m.accuracy_non_empty) or "-",
            counts,
        )
    return table


def triage_table(result) -> Table:  # type: ignore[no-untyped-def]
    """Accuracy by triage level per field (n values, accuracy and interval)."""
    triage = result.triage
    splits = [*triage.fields, triage.overall]
    levels = list(triage.overall.levels)
    title = f"accuracy by triage: n values, accuracy [{result.ci_label}]"
    table = _table(title, [split.field for split in splits])
    for column in (*levels, "verified clearly better"):
        table.add_column(column)
    clearly = {True: "yes", False: "[yellow]no[/yellow]", None: "-"}
    for split in splits:
        cells = [f"{split.levels[k].n} · {_cell(split.levels[k].accuracy) or '-'}" for k in levels]
        table.add_row(split.field, *cells, clearly[split.verified_clearly_better])
    return table


def _summary(result) -> None:  # type: ignore[no-untyped-def]
    _console.print(summary_table(result))
    triage = result.triage
    if triage.available:
        _console.print(triage_table(result))
        colour = "green" if triage.overall.verified_clearly_better else "yellow"
        _console.print(f"[{colour}]{escape(triage.verdict)}[/{colour}]", highlight=False)
    else:
        _console.print(triage.verdict, highlight=False)
    if result.record_exact_match:
        for g in result.record_exact_match.groups:
            _console.print(
                f"record exact match, {g.outcome_type}: {_fmt(g.all_fields_exact)} "
                f"({g.records} records)",
                highlight=False,
            )
    cov = result.coverage
    if cov.gold_only or cov.predictions_only:
        _console.print(
            f"[yellow]coverage[/yellow]: {len(cov.gold_only)} gold record(s) without "
            f"prediction, {len(cov.predictions_only)} prediction(s) without gold"
        )
    if result.warnings:
        _console.print(f"[yellow]{len(result.warnings)} input warning(s)[/yellow] (in report.html)")
