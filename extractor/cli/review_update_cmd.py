"""`litextract update`: extract what is new or changed in a review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import fail, finish, interrupted
from extractor.cli.options import BaseUrlOpt
from extractor.cli.review_common import ReviewDir, console, cost_text, err
from schemas.errors import LitextractError

if TYPE_CHECKING:
    from extractor.review.update import UpdateSummary


@app.command()
def update(
    review_dir: ReviewDir,
    model: Annotated[
        str | None,
        typer.Option(
            help="Use this model from now on (saved in review.toml; records made with "
            "another model become stale).",
            rich_help_panel="Model",
        ),
    ] = None,
    base_url: BaseUrlOpt = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Parse and extract only what is new or changed, then print a summary.

    New PDFs, changed PDFs and records made with another form, prompt, backend
    or model are (re-)extracted; everything else is reused. Unchanged groups of
    a changed form come from the response cache, so they cost nothing. A killed
    update resumes where it stopped. --model and --base-url change the review's
    settings (saved in review.toml once the server answers). Exit code 1 if some
    papers failed, 2 if all did.

    Examples:

      litextract update my-review

      litextract update my-review --base-url http://localhost:11434/v1 --model qwen2.5:7b

      OPENAI_API_KEY=... litextract update my-review --no-progress
    """
    # Imported when the command runs: it pulls in PyMuPDF and the retriever (about a
    # second), which `--help` and every other command should not pay for.
    from extractor.review.update import run_update

    try:
        summary = run_update(
            review_dir, console=err, progress=progress, model=model, base_url=base_url
        )
    except LitextractError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted("finished records are saved; run `update` again to resume") from None
    console.print(_table(review_dir.name, summary))
    for message in summary.errors[:10]:
        err.print(f"[red]error:[/] {escape(message)}", highlight=False)
    if len(summary.errors) > 10:
        err.print(f"... {len(summary.errors) - 10} more: litextract status {review_dir}")
    finish(summary.extracted + summary.up_to_date, len(summary.errors))


def _table(name: str, summary: UpdateSummary) -> Table:
    table = Table(title=f"{name}: update run {summary.run_id}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    dup = ", ".join(f"{p} = {o} ({r})" for p, o, r in summary.duplicates[:3])
    dup += " ..." if len(summary.duplicates) > 3 else ""
    rows = [
        ("new papers", f"{len(summary.new)}"),
        ("changed papers", f"{len(summary.changed)}"),
        ("removed papers", f"{len(summary.missing)}"),
        ("skipped duplicates", f"{len(summary.duplicates)} {dup}".strip()),
        ("parsed", f"{summary.parsed}"),
        ("records new / stale", f"{summary.new_records} / {summary.stale}"),
        ("up to date", f"{summary.up_to_date}"),
        ("extracted", f"{summary.extracted}"),
        ("errors", f"{len(summary.errors)}"),
        ("requests", f"{summary.requests}"),
        ("tokens (prompt + completion)", f"{summary.prompt_tokens} + {summary.completion_tokens}"),
        ("cost", cost_text(summary.cost_usd, summary.requests)),
        ("time", f"{summary.seconds:.1f} s"),
    ]
    if summary.no_targets:
        rows.append(("papers without targets", ", ".join(summary.no_targets)))
    if summary.interrupted_runs:
        rows.append(("resumed after", ", ".join(f"run {r}" for r in summary.interrupted_runs)))
    for label, value in rows:
        table.add_row(label, value)
    return table
