"""A reviewer's corrections: `correct` one field, `import-corrections` from an audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from extractor.cli import app
from extractor.cli.exits import finish
from extractor.cli.review_common import ReviewDir, console, err, review_or_fail
from extractor.review.correcting import correct_field, import_corrections


@app.command()
def correct(
    review_dir: ReviewDir,
    paper: Annotated[str, typer.Argument(help="Paper id.")],
    field: Annotated[str, typer.Argument(help="Form field name.")],
    value: Annotated[str, typer.Argument(help="New value (see below); '' = not reported.")],
    by: Annotated[str, typer.Option("--by", help="Who makes the correction.")],
    why: Annotated[str, typer.Option("--why", help="Why (kept with the correction).")] = "",
    target: Annotated[str | None, typer.Option(help="Target id (targeted forms).")] = None,
    quote: Annotated[str | None, typer.Option(help="Supporting quote from the paper.")] = None,
    page: Annotated[int | None, typer.Option(help="Page of the quote.")] = None,
) -> None:
    """Set a field's value by hand. It is kept as a new version and no model run
    ever overwrites it.

    VALUE is parsed per the field's type and checked against the form: numbers,
    true/false, an allowed choice; lists as `a; b` or JSON; objects as JSON;
    `NA` or '' for not reported; `unclear: VALUE` marks it unclear. Put `--`
    before a negative number.

    Examples:

      litextract correct my-review smith2021 parameters_millions 86 --by ana --why "Table 2"

      litextract correct my-review smith2021 modalities "ct; mri" --by ana

      litextract correct rct PMC123 intervention_events 12 --target 55 --by ana
    """
    with review_or_fail(review_dir) as review:
        done = correct_field(
            review, paper, field, value, by=by, why=why, target=target, quote=quote, page=page
        )
    console.print(
        f"{paper}{'/' + target if target else ''}: {field} = {json.dumps(done.value)} "
        f"({done.status}), version {done.version.version}, by {by}"
    )


@app.command("import-corrections")
def import_corrections_cmd(
    review_dir: ReviewDir,
    csv_path: Annotated[Path, typer.Argument(help="disagreements.csv written by `audit`.")],
    by: Annotated[str, typer.Option("--by", help="Who adjudicated.")],
) -> None:
    """Apply the `adjudication` column of an audit's disagreements.csv as corrections.

    Each non-empty adjudication is a value (parsed as in `correct`), or `gold` /
    `predicted` to accept that side; for items of a list of objects also `remove`
    (a fabricated item) or a JSON object. Rows with an empty adjudication are
    skipped; invalid rows are reported with their line number, the others apply.
    Exit code 1 when some rows were invalid, 2 when all were.

    Example:

      litextract import-corrections my-review audit/disagreements.csv --by "ana, bo"
    """
    with review_or_fail(review_dir) as review:
        imported = import_corrections(review, csv_path, by=by)
    report = imported.report
    for message in report.errors:
        err.print(f"[red]error:[/] {escape(message)}", highlight=False)
    console.print(
        f"{len(report.applied)} corrections applied ({len(imported.versions)} new versions), "
        f"{report.kept} kept the model's value, {report.skipped_empty} rows without "
        f"adjudication skipped, {len(report.errors)} errors"
    )
    finish(len(report.applied) + report.kept, len(report.errors))
