"""Looking at a review: `status`, `history` and `diff`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from extractor.cli import app
from extractor.cli.review_common import ReviewDir, console, cost_text, review_or_fail
from extractor.review.changes import paper_history, run_changes, version_changes
from extractor.review.records import FieldChange
from schemas.extracted import Triage


@app.command()
def status(review_dir: ReviewDir) -> None:
    """Papers by state, records up to date / stale, values to check, corrections, runs.

    Example:

      litextract status my-review
    """
    # Imported when the command runs: staleness needs the extraction stack (about a
    # second), which `--help` and every other command should not pay for.
    from extractor.review.status import review_status

    with review_or_fail(review_dir) as review:
        st = review_status(review_dir, review.config, review.store)
        config = review.config
    console.print(f"[bold]{review_dir}[/]: form {config.form}, {config.backend}/{config.model}")
    states = ", ".join(f"{n} {s}" for s, n in sorted(st.paper_states.items()))
    console.print(f"papers: {len(st.papers)} ({states})")
    if st.staleness_error:
        console.print(f"staleness unknown: {st.staleness_error}", highlight=False)
    else:
        console.print(
            f"records: {st.fresh} up to date, {st.stale} stale, {st.not_extracted} not yet "
            "extracted"
        )
    console.print(
        f"values: {st.values_to_check:,} to check in {st.papers_to_check} paper(s) "
        f"({st.triage['check']:,} check, {st.triage['missing']:,} missing; "
        f"{st.triage['verified']:,} verified of {st.values:,})"
    )
    if st.triage[Triage.verified]:
        console.print(st.spot.line("spot-check them in `litextract serve`"), highlight=False)
    console.print(f"corrections: {st.corrections}")
    if st.registered:
        shared = st.shared_trials
        line = f"trials: {st.registered} paper(s) name a registration id, {len(st.trials)} trial(s)"
        if shared:
            line += f"; {len(shared)} reported in several papers (synthesis counts each once):"
        console.print(line, highlight=False)
        for rid, papers in sorted(shared.items()):
            console.print(f"  {rid}: {', '.join(map(escape, papers))}", highlight=False)
    table = Table(title="runs")
    for column in ("run", "started", "status", "papers", "requests", "tokens", "cost", "errors"):
        table.add_column(column, no_wrap=column == "started")  # a time cut short is no time
    for run in st.runs:
        table.add_row(
            str(run.id),
            run.started_at[:16].replace("T", " "),
            run.status,
            str(run.papers_processed),
            str(run.requests),
            str(run.prompt_tokens + run.completion_tokens),
            cost_text(run.cost_usd, run.requests),
            str(run.errors),
        )
    console.print(table)
    for paper in st.problem_papers:
        detail = paper.error or (
            f"{paper.duplicate_reason} as {paper.duplicate_of}" if paper.duplicate_of else ""
        )
        console.print(f"  {paper.status}: {paper.paper_id} {detail}", highlight=False)


@app.command()
def history(
    review_dir: ReviewDir,
    paper: Annotated[str, typer.Argument(help="Paper id (the PDF's file name without .pdf).")],
    target: Annotated[str | None, typer.Option(help="Only this target id.")] = None,
) -> None:
    """Every version of a paper's record with its provenance and what it changed.

    Example:

      litextract history my-review smith2021
    """
    with review_or_fail(review_dir) as review:
        rows = paper_history(review.store, paper, target)
    table = Table(title=f"history of {paper}")
    for column in ("target", "version", "origin", "run", "when", "model / by", "changes"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row.target_id or "-",
            str(row.version),
            row.origin,
            str(row.run_id or "-"),
            row.created_at[:19],
            row.by,
            "first version" if row.changes is None else _changes_text(row.changes),
        )
    console.print(table)


@app.command()
def diff(
    review_dir: ReviewDir,
    paper: Annotated[
        str | None, typer.Argument(help="Compare two versions of this paper instead of runs.")
    ] = None,
    from_: Annotated[
        int | None, typer.Option("--from", help="Run id (or version number with PAPER).")
    ] = None,
    to: Annotated[int | None, typer.Option(help="Run id (or version number with PAPER).")] = None,
    target: Annotated[
        str | None, typer.Option(help="Target id (targeted forms, with PAPER).")
    ] = None,
) -> None:
    """Field-level changes between two runs (default: the last two), or two versions.

    Examples:

      litextract diff my-review                       # last run vs the one before

      litextract diff my-review --from 1 --to 3

      litextract diff my-review smith2021 --from 1 --to 2
    """
    with review_or_fail(review_dir) as review:
        if paper is not None:
            found = version_changes(review.store, paper, from_, to, target)
        else:
            found = run_changes(review.store, from_, to)
    table = Table(title=f"{found.title}: {len(found.changes)} changed fields")
    for column in ("paper", "target", "field", "before", "after"):
        table.add_column(column, overflow="fold")
    for c in found.changes:
        table.add_row(c.paper_id, c.target_id or "-", c.field, _cell(c.before), _cell(c.after))
    console.print(table)


def _cell(essence: dict[str, Any] | None) -> str:
    if essence is None:
        return "(none)"
    value = json.dumps(essence["value"], ensure_ascii=False)
    return value if essence["status"] == "reported" else f"{value} [{essence['status']}]"


def _changes_text(changes: list[FieldChange]) -> str:
    if not changes:
        return "no field changed"
    return "; ".join(f"{c.field}: {_cell(c.before)} -> {_cell(c.after)}" for c in changes)
