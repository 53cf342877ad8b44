"""`litextract add`: papers into a review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from extractor.cli import app
from extractor.cli.exits import finish
from extractor.cli.review_common import ReviewDir, console, err, review_or_fail
from extractor.review.library import add_inputs


@app.command()
def add(
    review_dir: ReviewDir,
    inputs: Annotated[list[Path], typer.Argument(help="PDFs, .bib or .ris libraries.")],
) -> None:
    """Add papers: PDFs, or the PDFs linked from a .bib / .ris library.

    PDFs are copied into REVIEW_DIR/papers/ (dropping files there works too).
    Library entries keep their DOI and title, so duplicates are caught at once.
    Nothing is extracted until `litextract update`. Exit code 1 when some inputs
    could not be added, 2 when none could.

    Examples:

      litextract add my-review new/*.pdf

      litextract add my-review zotero-export.bib
    """
    with review_or_fail(review_dir) as review:
        report = add_inputs(review.store, review_dir, inputs)
    for paper_id in report.added:
        console.print(f"added {paper_id}")
    for paper_id, original, reason in report.duplicates:
        console.print(f"[yellow]duplicate[/] {paper_id}: {reason} as {original} (not extracted)")
    for paper_id in report.already_present:
        console.print(f"already in the review: {paper_id}")
    for message in report.errors:
        err.print(f"[red]error:[/] {escape(message)}", highlight=False)
    console.print(
        f"{len(report.added)} added, {len(report.duplicates)} duplicates, "
        f"{len(report.already_present)} already present, {len(report.errors)} errors; "
        f"next: litextract update {review_dir}"
    )
    done = len(report.added) + len(report.duplicates) + len(report.already_present)
    finish(done, len(report.errors))
