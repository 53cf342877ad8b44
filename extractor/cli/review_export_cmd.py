"""`litextract export`: a review's current records as a table file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extractor.cli import app
from extractor.cli.exits import fail
from extractor.cli.review_common import ReviewDir, console, review_or_fail
from extractor.review.config import ReviewPaths
from extractor.review.export import FORMATS, export_review


@app.command()
def export(
    review_dir: ReviewDir,
    format: Annotated[
        str, typer.Option("--format", "-f", help="csv | jsonl | xlsx | parquet")
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Default: REVIEW_DIR/exports/records.FORMAT"),
    ] = None,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive",
            help="Fill pooled inputs the paper prints in another form (an SD given as an SE, "
            "a CI, an IQR or a range; events as a percentage; a mean as a median), each marked "
            "in FIELD__derived with its method and formula. Off: values as printed.",
        ),
    ] = False,
) -> None:
    """Write the current records (corrections applied): one row per paper (per target).

    Every field has companion columns FIELD__status, FIELD__triage (verified / check /
    missing), FIELD__reasons (finding codes), FIELD__quote and FIELD__page;
    `model`, `version`, `corrected` and `corrected_by` say where each row comes from.
    CSV is UTF-8 with BOM; a text cell starting with = + - or @ gets a leading apostrophe
    so that Excel / LibreOffice never run it as a formula (litextract's readers take it off).

    Examples:

      litextract export my-review --format xlsx

      litextract export my-review -f parquet -o data/extraction.parquet

      litextract export my-review --derive    # SDs from SEs, events from percentages, ...
    """
    if format not in FORMATS:
        raise fail(f"unknown format {format!r} (use {', '.join(FORMATS)})")
    out = output or ReviewPaths(review_dir).exports / f"records.{format}"
    with review_or_fail(review_dir) as review:
        rows = export_review(review.store, review.form(), format, out, derive=derive)
    console.print(f"wrote {rows} rows to {out}")
