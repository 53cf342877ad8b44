"""`litextract parse`: PDFs -> one Document JSON (or Markdown) per paper."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from extractor.cli import app
from extractor.cli.exits import fail, finish, interrupted
from schemas.errors import InputError, LitextractError


class OutputFormat(StrEnum):
    json = "json"
    md = "md"


@app.command()
def parse(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files and/or folders (searched for *.pdf).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="json: the Document; md: readable.")
    ] = OutputFormat.json,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Parallel processes [default: all cores]."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Parse PDFs into structured documents: reading-order text, sections, tables,
    figure captions, references, and a map from text offsets back to pages.

    Writes OUT/<paper id>.json per PDF (or .md with --format md); the paper id is the
    file name without .pdf (a second file of the same name in another folder gets
    NAME__<8 hex of its hash>). A bad file (encrypted, corrupt, empty, not a PDF) gets
    a one-line error and the batch goes on. One run at a time per OUT folder.
    Exit code 1 when some PDFs failed, 2 when none could be parsed.

    Examples:

      litextract parse paper.pdf --out parsed/

      litextract parse pdfs/ more.pdf --out parsed/ --workers 2

      litextract parse pdfs/ --out parsed_md/ --format md
    """
    # Imported when the command runs: it pulls in PyMuPDF (half a second), which
    # `--help` and every other command should not pay for.
    from extractor.parse_batch import parse_into

    # soft_wrap: one error stays one line, whatever the terminal width
    console = Console(stderr=True, soft_wrap=True)

    def on_error(error: InputError) -> None:
        console.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)

    try:
        summary = parse_into(
            inputs,
            out,
            markdown=output_format is OutputFormat.md,
            workers=workers,
            progress=progress,
            on_error=on_error,
        )
    except LitextractError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted(f"the papers parsed so far are in {out}") from None
    for line in summary.renamed:
        console.print(f"[yellow]note:[/yellow] {escape(line)}", highlight=False)
    for line in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(line)}", highlight=False)
    failed = len(summary.failed)
    console.print(
        f"parsed {summary.written} of {summary.inputs} PDF(s): {summary.pages} pages, "
        f"{summary.sections} sections -> {out}" + (f"; {failed} failed" if failed else ""),
        highlight=False,
    )
    if summary.written == 0:
        raise fail("no PDF could be parsed")
    finish(summary.written, failed)
